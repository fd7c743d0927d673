/**
 * The model the chat checks ask for comes from the plugin's own GET /models, the one
 * answer the models.* checks judge (sent once per run: SuiteContext.modelsExchange).
 */
import { MOCK_UNKNOWN_MODEL } from '../../runtime/mock-upstream.js';

/** The first model id the /models answer lists, other than the mock's reserved unknown one. */
export function firstListedModel(json: unknown): string | undefined {
  // A list wrapped as OpenAI's {"data": [...]} is models.schema's failure; its ids are
  // still the plugin's models, so the chat checks do not fail a second time for it.
  const list = Array.isArray(json) ? json : json && typeof json === 'object' && Array.isArray((json as { data?: unknown }).data) ? ((json as { data: unknown[] }).data) : undefined;
  const ids = list
    ? list.map((m: unknown) => (m && typeof m === 'object' ? (m as { id?: unknown }).id : undefined)).filter((id): id is string => typeof id === 'string' && id !== '')
    : [];
  return ids.find((id) => id !== MOCK_UNKNOWN_MODEL);
}
