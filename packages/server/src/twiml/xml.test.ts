import { describe, expect, it } from 'vitest';
import { isVoiceError, type VoiceError } from '@denwa/protocol';
import { parseXml, XML_MAX_BYTES, XML_MAX_DEPTH, type XmlElement, type XmlNode } from './xml.ts';

/** Parses `source`, expecting a 12100 refusal; returns the error. */
function refuse(source: string): VoiceError {
  try {
    parseXml(source);
  } catch (err) {
    if (isVoiceError(err)) return err;
    throw err;
  }
  throw new Error(`expected a refusal of ${JSON.stringify(source.slice(0, 80))}`);
}

function text(element: XmlElement): string {
  return element.children.map((c) => (c.type === 'text' ? c.value : '')).join('');
}

describe('parseXml: well-formed documents', () => {
  it('reads elements, attributes in both quote styles, text, and every node position', () => {
    const root = parseXml('<Response>\n  <Say voice="alice" language=\'ja-JP\'>Hi</Say>\n  <Hangup/>\n</Response>');
    expect(root).toStrictEqual({
      type: 'element',
      name: 'Response',
      line: 1,
      column: 1,
      attributes: [],
      children: [
        { type: 'text', value: '\n  ', line: 1, column: 11 },
        {
          type: 'element',
          name: 'Say',
          line: 2,
          column: 3,
          attributes: [
            { name: 'voice', value: 'alice', line: 2, column: 8 },
            { name: 'language', value: 'ja-JP', line: 2, column: 22 },
          ],
          children: [{ type: 'text', value: 'Hi', line: 2, column: 39 }],
        },
        { type: 'text', value: '\n  ', line: 2, column: 47 },
        { type: 'element', name: 'Hangup', line: 3, column: 3, attributes: [], children: [] },
        { type: 'text', value: '\n', line: 3, column: 12 },
      ],
    });
  });

  it('accepts the XML declaration, a BOM, comments and processing instructions around the root', () => {
    const root = parseXml(
      '\uFEFF<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<!-- made by hand -->\n<?app hint?>\n<Response/>\n<!-- bye -->\n',
    );
    expect(root).toMatchObject({ name: 'Response', line: 4, column: 1, children: [] });
    expect(parseXml("<?xml version='1.0'?><a/>").name).toBe('a');
  });

  it('decodes the five named entities and decimal and hex character references', () => {
    const root = parseXml('<a t="&lt;&gt;&amp;&quot;&apos;&#65;&#x42;&#x1F600;">&lt;b&gt; &amp;&#12354;&#x3042;</a>');
    expect(root.attributes[0]?.value).toBe('<>&"\'AB😀');
    expect(text(root)).toBe('<b> &ああ');
  });

  it('normalizes literal whitespace in attribute values but keeps character references', () => {
    const root = parseXml('<a t="x\ty\nz" u="1&#10;2&#9;3"/>');
    expect(root.attributes.map((a) => a.value)).toStrictEqual(['x y z', '1\n2\t3']);
  });

  it('merges CDATA, text and text around comments into one node, keeping CDATA verbatim', () => {
    const root = parseXml('<a>x<![CDATA[<y>&amp;]]>z<!-- c -->w<?pi data?>v</a>');
    expect(root.children).toStrictEqual([{ type: 'text', value: 'x<y>&amp;zwv', line: 1, column: 4 }]);
  });

  it('normalizes CRLF and CR line breaks and counts lines through them', () => {
    const root = parseXml('<a>\r\n<b/>\r<c>1\r\n2</c></a>');
    const [, b, , c] = root.children;
    expect(b).toMatchObject({ name: 'b', line: 2, column: 1 });
    expect(c).toMatchObject({ name: 'c', line: 3, column: 1 });
    expect(c?.type === 'element' ? text(c) : '').toBe('1\n2');
  });

  it('reads UTF-8 text from a JS string, astral characters included', () => {
    const root = parseXml('<Say>こんにちは、世界 🌏 Grüße</Say>');
    expect(text(root)).toBe('こんにちは、世界 🌏 Grüße');
  });

  it('allows whitespace around "=" and inside end tags', () => {
    const root = parseXml('<a  x = "1"\n   y="2" ></a >');
    expect(root.attributes).toStrictEqual([
      { name: 'x', value: '1', line: 1, column: 5 },
      { name: 'y', value: '2', line: 2, column: 4 },
    ]);
  });

  it(`accepts nesting exactly ${XML_MAX_DEPTH} deep`, () => {
    const doc = '<a>'.repeat(XML_MAX_DEPTH) + '</a>'.repeat(XML_MAX_DEPTH);
    let depth = 0;
    for (let node: XmlElement | undefined = parseXml(doc); node !== undefined; depth++) {
      const next: XmlNode | undefined = node.children[0];
      node = next?.type === 'element' ? next : undefined;
    }
    expect(depth).toBe(XML_MAX_DEPTH);
  });

  it('accepts a document of exactly 64 KiB of UTF-8', () => {
    const open = '<a>';
    const close = '</a>';
    const ascii = open + 'x'.repeat(XML_MAX_BYTES - open.length - close.length) + close;
    expect(text(parseXml(ascii))).toHaveLength(XML_MAX_BYTES - 7);
    // "あ" is 3 bytes in UTF-8: 21843 of them plus 7 bytes of tags make 65536 bytes.
    const wide = open + 'あ'.repeat(21843) + close;
    expect(text(parseXml(wide))).toHaveLength(21843);
  });

  it('parses a one-line document with thousands of elements (the helper output shape) in linear time', () => {
    const doc = `<Response>${'<Pause length="1"/>'.repeat(3000)}</Response>`;
    expect(doc.length).toBeLessThan(XML_MAX_BYTES);
    expect(parseXml(doc).children).toHaveLength(3000);
  });
});

describe('parseXml: refusals (12100 with the line)', () => {
  it.each([
    ['a DOCTYPE', '<?xml version="1.0"?>\n<!DOCTYPE Response [\n<!ENTITY x "y">]>\n<Response/>', 2, '<!DOCTYPE> is not allowed'],
    ['billion laughs', '<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;">]><Response>&lol2;</Response>', 1, '<!DOCTYPE>'],
    ['an ENTITY declaration inside content', '<Response>\n<!ENTITY x SYSTEM "file:///etc/passwd"></Response>', 2, '<!ENTITY> is not allowed'],
    ['another "<!" declaration', '<Response><!ELEMENT x ANY></Response>', 1, 'markup declarations'],
    ['a DOCTYPE after the root', '<Response/>\n<!DOCTYPE x>', 2, '<!DOCTYPE>'],
    ['a mismatched end tag', '<Response>\n<Say>\nhi</Dial>\n</Response>', 3, '</Dial> does not match <Say> opened on line 2'],
    ['an unclosed inner tag', '<Response>\n  <Gather>\n    <Say>hi</Say>\n</Response>', 4, '</Response> does not match <Gather> opened on line 2'],
    ['an unclosed root at the end of input', '<Response>\n<Say>hi</Say>\n', 1, '<Response> is not closed'],
    ['a start tag cut off', '<Response>\n<Say voice="alice"', 2, 'the <Say> tag is not terminated'],
    ['a duplicate attribute', '<Response>\n<Say loop="1"\n loop="2">x</Say></Response>', 3, 'attribute "loop" appears twice in <Say>'],
    ['text after the root', '<Response/>\n\nhello', 3, 'text is not allowed after the root element'],
    ['a second root element', '<Response/>\n<Response/>', 2, 'only one root element is allowed'],
    ['text before the root', 'hello\n<Response/>', 1, 'text is not allowed before the root element'],
    ['an empty document', '', 1, 'no root element'],
    ['a document of comments only', '<!-- a -->\n', 2, 'no root element'],
    ['an unknown entity', '<Response>\n<Say>&nbsp;</Say></Response>', 2, 'unknown entity "&nbsp;"'],
    ['a bare ampersand', '<Response><Say>\nA & B</Say></Response>', 2, '"&" must start a reference'],
    ['a bare ampersand in an attribute', '<Response>\n<Play digits="1&2">x</Play></Response>', 2, '"&" must start a reference'],
    ['a reference to NUL', '<a>&#0;</a>', 1, '"&#0;" is not a valid character reference'],
    ['a reference to a surrogate', '<a>&#xD800;</a>', 1, 'not a valid character reference'],
    ['a reference beyond Unicode', '<a>&#x110000;</a>', 1, 'not a valid character reference'],
    ['an upper-case hex reference', '<a>&#X41;</a>', 1, 'not a valid character reference'],
    ['an empty reference', '<a>&;</a>', 1, 'unknown entity'],
    ['an unquoted attribute value', '<Response>\n<Pause length=2/></Response>', 2, 'must be quoted'],
    ['an unterminated attribute value', '<Response>\n<Say voice="alice>hi</Say></Response>', 2, 'is not terminated'],
    ['"<" in an attribute value', '<a\n b="<"/>', 2, '"<" is not allowed in the value of attribute "b"'],
    ['attributes without whitespace between them', '<a b="1"c="2"/>', 1, 'expected whitespace'],
    ['an attribute without a value', '<a b/>', 1, 'needs "=" and a quoted value'],
    ['a broken self-closing tag', '<a/ >', 1, 'expected "/>"'],
    ['a tag without a name', '<Response>\n< Say/></Response>', 2, 'expected an element name after "<", got " "'],
    ['an unclosed comment', '<Response>\n<!-- never ends</Response>', 2, 'the comment is not closed'],
    ['"--" inside a comment', '<Response><!-- a -- b --></Response>', 1, '"--" is not allowed inside a comment'],
    ['a comment ending in "--->"', '<Response><!-- a ---></Response>', 1, '"--" is not allowed'],
    ['an unclosed CDATA section', '<Response>\n<Say><![CDATA[hi</Say></Response>', 2, 'the CDATA section is not closed'],
    ['"]]>" in text', '<Response>]]></Response>', 1, '"]]>" is not allowed in text'],
    ['an XML declaration after content', '<!-- x --><?xml version="1.0"?><Response/>', 1, 'only allowed at the start'],
    ['a malformed XML declaration', '<?xml encoding="UTF-8"?><Response/>', 1, 'the XML declaration is malformed'],
    ['an unclosed processing instruction', '<Response><?pi data</Response>', 1, 'is not closed'],
    ['a control character', '<Response>\n<Say>a\u0007b</Say></Response>', 2, 'character U+0007 is not allowed'],
    ['a lone surrogate', '<Say>\uD83D</Say>', 1, 'character U+D83D is not allowed'],
    ['U+FFFF', '<Say>\uFFFF</Say>', 1, 'character U+FFFF'],
  ])('refuses %s', (_what, source, line, reason) => {
    const error = refuse(source);
    expect(error.code).toBe(12100);
    expect(error.details).toMatchObject({ line });
    expect(error.message).toContain(`line ${line}: `);
    expect(error.message).toContain(reason);
  });

  it('reports the column of the offending character', () => {
    expect(refuse('<a>\n  <b>&bogus;</b></a>').details).toStrictEqual({ line: 2, column: 6 });
  });

  it(`refuses nesting deeper than ${XML_MAX_DEPTH}`, () => {
    const depth = XML_MAX_DEPTH + 1;
    const error = refuse('<a>\n'.repeat(depth) + '</a>'.repeat(depth));
    expect(error.code).toBe(12100);
    expect(error.details).toMatchObject({ line: depth });
    expect(error.message).toContain('nested deeper than 64 levels');
  });

  it('refuses a self-closing element one level too deep as well', () => {
    const error = refuse('<a>'.repeat(XML_MAX_DEPTH) + '<b/>' + '</a>'.repeat(XML_MAX_DEPTH));
    expect(error.code).toBe(12100);
    expect(error.details).toMatchObject({ line: 1, column: XML_MAX_DEPTH * 3 + 1 });
  });

  it('refuses input over 64 KiB, counting UTF-8 bytes rather than characters', () => {
    const ascii = refuse(`<a>${'x'.repeat(XML_MAX_BYTES)}</a>`);
    expect(ascii.code).toBe(12100);
    expect(ascii.message).toContain('line 1: the document is larger than 64 KiB');
    // 21844 × 3 bytes + 7 bytes of tags = 65539 bytes, though only 21851 characters.
    const wide = refuse(`<a>${'あ'.repeat(21844)}</a>`);
    expect(wide.code).toBe(12100);
    expect(wide.details).toStrictEqual({ line: 1, column: 1 });
  });

  it('stops at the first bad reference instead of rescanning (many "&" without ";")', () => {
    const error = refuse(`<a>${'&'.repeat(60_000)}</a>`);
    expect(error.code).toBe(12100);
    expect(error.details).toStrictEqual({ line: 1, column: 4 });
  });
});
