// A tiny OpenAI-style upstream on 127.0.0.1 for the tests: no network needed. What differs
// between dialects (auth header, URL, error bodies, extra faults, a first stream chunk) is
// the `wire` that fake-upstream.js passes in; the faults and the answers are the same.
// Set `fault` to make the next chat request fail: an HTTP status (401, 429, 503, ...),
// a fault the wire names (`wire.faults`), 'hang', 'garbage' (200 with broken JSON) or
// 'reset' (connection dropped); for a stream, 'break' (drops the connection after the
// first event), 'stall' (goes quiet after it), 'cut' (ends cleanly after it), 'no-done'
// (the whole answer, its finish_reason chunk included, but no [DONE]), 'two-choices-cut'
// (two choices as with `n: 2`; index 0 finishes, index 1 never does, no [DONE]),
// 'two-choices-one-sent' (as if asked for `n: 2`, only index 0 comes, and finishes; no
// [DONE]), 'two-choices-no-done' (both finish, no [DONE]), 'stream-error-object' (the first word,
// then `data: {"error": streamError}` and the end: an error the provider reports after the
// 200) or 'stream-error-event' (the same with an `event: error` line before the data).
// `received` holds every POST as { path, query, headers, body }.
import { ANSWERED, send, startFakeServer } from './fake-server.js';

const SERVER_ERROR = { message: 'The server had an error while processing your request.', type: 'server_error', param: null, code: null };

export async function startFakeOpenAI(wire) {
  // streamError: what the 'stream-error-*' faults send as the in-stream `error`.
  const fake = { fault: undefined, retryAfter: undefined, streamError: SERVER_ERROR };
  return startFakeServer(fake, async ({ req, res, body, url, takeFault, interrupt }) => {
    if (!wire.authorised(req)) {
      send(res, 401, wire.unauthorised);
      return;
    }
    const answer = wire.answer(req, url);
    if (answer) {
      send(res, ...answer);
      return;
    }
    const fault = takeFault('{"choices": [');
    if (fault === ANSWERED) return;
    if (typeof fault === 'number') {
      send(res, fault, wire.errorBody(fault), fake.retryAfter ? { 'Retry-After': fake.retryAfter } : {});
      return;
    }
    if (wire.faults?.[fault]) {
      send(res, ...wire.faults[fault]);
      return;
    }
    const model = wire.modelOf(url, body);
    if (!wire.models.includes(model)) {
      send(res, 404, wire.unknownModel);
      return;
    }
    const reply = `echo: ${body.messages.at(-1).content}`;
    if (body.stream) {
      res.writeHead(200, { 'Content-Type': 'text/event-stream' });
      if (wire.firstChunk) res.write(`data: ${JSON.stringify(wire.firstChunk)}\n\n`);
      if (fault === 'two-choices-cut' || fault === 'two-choices-one-sent' || fault === 'two-choices-no-done') {
        twoChoices(res, model, reply, fault);
        return;
      }
      const words = reply.split(' ');
      for (const [index, word] of words.entries()) {
        const chunk = {
          id: 'chatcmpl-2', object: 'chat.completion.chunk', created: 1700000000, model,
          choices: [{ index: 0, delta: { content: index === 0 ? word : ` ${word}` }, finish_reason: null }],
        };
        res.write(`data: ${JSON.stringify(chunk)}\n\n`);
        if (await interrupt(fault)) return;
        if (fault === 'stream-error-object' || fault === 'stream-error-event') {
          // The provider's error object as one more event, then the end of the stream.
          res.end(`${fault === 'stream-error-event' ? 'event: error\n' : ''}data: ${JSON.stringify({ error: fake.streamError })}\n\n`);
          return;
        }
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      const last = { id: 'chatcmpl-2', object: 'chat.completion.chunk', created: 1700000000, model, choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] };
      res.write(`data: ${JSON.stringify(last)}\n\n`);
      res.end(fault === 'no-done' ? '' : 'data: [DONE]\n\n');
      return;
    }
    send(res, 200, {
      id: 'chatcmpl-1',
      object: 'chat.completion',
      created: 1700000000.5, // not an integer on purpose: the plugin must send one
      model,
      // content as a list of parts on purpose: Loom needs a string
      choices: [{ index: 0, message: { role: 'assistant', content: [{ type: 'text', text: reply }] }, finish_reason: 'stop' }],
      usage: { prompt_tokens: 3, completion_tokens: 2, total_tokens: 5 },
    });
  });
}

/** Two choices (one for 'two-choices-one-sent'), one chunk each per word as OpenAI sends them; ends without [DONE]. */
function twoChoices(res, model, reply, fault) {
  const indexes = fault === 'two-choices-one-sent' ? [0] : [0, 1];
  const send = (index, delta, finish = null) => {
    const chunk = { id: 'chatcmpl-3', object: 'chat.completion.chunk', created: 1700000000, model, choices: [{ index, delta, finish_reason: finish }] };
    res.write(`data: ${JSON.stringify(chunk)}\n\n`);
  };
  for (const word of reply.split(' ')) {
    for (const index of indexes) send(index, { content: `${word} ` });
  }
  send(0, {}, 'stop');
  if (fault === 'two-choices-no-done') send(1, {}, 'stop');
  res.end();
}
