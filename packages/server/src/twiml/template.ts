/**
 * TwiML Bin templates: `{{Name}}` is replaced by the request parameter `Name` (for example `From`,
 * `To`, `CallSid`, or any custom parameter), XML-escaped so a value can never inject markup. A
 * parameter that was not sent renders as the empty string. Pure.
 */
const PLACEHOLDER = /\{\{\s*([A-Za-z_][A-Za-z0-9_.-]{0,127})\s*\}\}/g;

const XML_ESCAPES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&apos;',
};

export function escapeXml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => XML_ESCAPES[c] ?? c);
}

/** True when the text holds at least one `{{Name}}` placeholder. */
export function hasPlaceholders(template: string): boolean {
  PLACEHOLDER.lastIndex = 0;
  return PLACEHOLDER.test(template);
}

export function renderTwimlTemplate(template: string, params: Readonly<Record<string, string | undefined>>): string {
  return template.replace(PLACEHOLDER, (_m: string, name: string) => escapeXml(params[name] ?? ''));
}
