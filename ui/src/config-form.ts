/**
 * The /initialize form, generated from the manifest's config_schema: a control per field
 * by type (text, number, checkbox, a select for an enum). Sensitive fields are password
 * inputs that start empty: the page never receives a secret, and an empty one tells the
 * host to keep the value it resolved.
 */
import { el } from './dom.js';
import type { ConfigField, PluginView } from './types.js';

function control(field: ConfigField, value: unknown, source: string | undefined): HTMLElement {
  const id = `cfg-${field.name}`;
  const choices = field.validation?.enum;
  if (Array.isArray(choices) && choices.length > 0) {
    const select = el('select', { id, name: field.name });
    for (const choice of choices) select.appendChild(el('option', { value: String(choice), text: String(choice) }));
    if (value !== undefined) select.value = String(value);
    return select;
  }
  if (field.type === 'bool') return el('input', { id, name: field.name, type: 'checkbox', checked: value === true });
  if (field.sensitive) {
    const placeholder = source ? `unchanged (set from ${source})` : 'not set';
    return el('input', { id, name: field.name, type: 'password', autocomplete: 'off', placeholder, 'data-sensitive': 'true' });
  }
  const numeric = field.type === 'int' || field.type === 'float';
  return el('input', {
    id,
    name: field.name,
    type: numeric ? 'number' : 'text',
    step: field.type === 'int' ? '1' : numeric ? 'any' : undefined,
    value: value === undefined || value === null ? '' : String(value),
  });
}

export function renderConfigForm(plugin: PluginView): HTMLElement {
  const rows = plugin.configSchema.map((field) => {
    const value = plugin.configValues[field.name] ?? field.default;
    return el('label', { class: 'field' }, [
      el('span', { class: 'field-name' }, [field.name, field.required ? el('span', { class: 'required-mark', text: ' *' }) : null, field.sensitive ? el('span', { class: 'muted', text: ' (sensitive)' }) : null]),
      control(field, value, plugin.configSources[field.name]),
      field.description ? el('span', { class: 'muted small', text: field.description }) : null,
    ]);
  });
  if (rows.length === 0) rows.push(el('label', { class: 'muted small', text: 'This plugin declares no config_schema: /initialize is sent {}.' }));
  return el('div', { class: 'config-form', id: 'initialize-form' }, rows);
}

/** The form's values as the /initialize body: typed by the schema; blank fields left out. */
export function readConfigForm(form: HTMLElement, schema: ConfigField[]): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  for (const field of schema) {
    const input = form.querySelector<HTMLInputElement | HTMLSelectElement>(`[name="${CSS.escape(field.name)}"]`);
    if (!input) continue;
    if (input instanceof HTMLInputElement && input.type === 'checkbox') {
      body[field.name] = input.checked;
      continue;
    }
    const raw = input.value;
    if (raw === '') continue;
    if (field.type === 'int') body[field.name] = Number.parseInt(raw, 10);
    else if (field.type === 'float') body[field.name] = Number.parseFloat(raw);
    else body[field.name] = raw;
  }
  return body;
}
