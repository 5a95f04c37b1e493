import { describe, expect, it } from 'vitest';
import { hasPlaceholders, renderTwimlTemplate } from './template.ts';

describe('renderTwimlTemplate', () => {
  it('replaces {{Name}} with the parameter, allowing inner spaces', () => {
    const out = renderTwimlTemplate('<Response><Dial callerId="{{ To }}"><Client>{{From}}</Client></Dial></Response>', {
      From: 'alice',
      To: '+815000000000',
    });
    expect(out).toBe('<Response><Dial callerId="+815000000000"><Client>alice</Client></Dial></Response>');
  });

  it('escapes values so a parameter cannot inject TwiML', () => {
    const out = renderTwimlTemplate('<Say>{{Body}}</Say>', { Body: '</Say><Hangup/>"&\'' });
    expect(out).toBe('<Say>&lt;/Say&gt;&lt;Hangup/&gt;&quot;&amp;&apos;</Say>');
  });

  it('renders missing parameters as empty and leaves malformed braces alone', () => {
    expect(renderTwimlTemplate('<Say>{{Nope}}|{{}}|{{1x}}|{From}</Say>', {})).toBe('<Say>|{{}}|{{1x}}|{From}</Say>');
  });

  it('detects placeholders', () => {
    expect(hasPlaceholders('<Say>{{From}}</Say>')).toBe(true);
    expect(hasPlaceholders('<Say>hello</Say>')).toBe(false);
  });
});
