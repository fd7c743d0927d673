/** The playground's script: vanilla JS, no build step, rendered with textContent only (no HTML injection). */
export const PAGE_JS = String.raw`
'use strict';
(function () {
  var TOKEN_KEY = 'loomDevToken';
  var state = { plugins: [], requests: [], selected: null, selectedRequest: null, logs: {}, connected: false };
  var $ = function (id) { return document.getElementById(id); };

  // The token arrives once in the address (#token=... or ?token=...), is kept in
  // sessionStorage (this tab only) and removed from the address bar and history.
  function readToken() {
    var hash = new URLSearchParams(location.hash.replace(/^#/, ''));
    var query = new URLSearchParams(location.search);
    var fromUrl = hash.get('token') || query.get('token');
    if (fromUrl) {
      sessionStorage.setItem(TOKEN_KEY, fromUrl);
      history.replaceState(null, '', location.pathname);
    }
    return sessionStorage.getItem(TOKEN_KEY);
  }
  var token = readToken();

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    if (attrs) Object.keys(attrs).forEach(function (key) {
      if (key === 'text') node.textContent = attrs[key];
      else if (key === 'class') node.className = attrs[key];
      else if (key.slice(0, 2) === 'on') node.addEventListener(key.slice(2), attrs[key]);
      else node.setAttribute(key, attrs[key]);
    });
    (children || []).forEach(function (child) { if (child != null) node.appendChild(typeof child === 'string' ? document.createTextNode(child) : child); });
    return node;
  }
  function clear(node) { while (node.firstChild) node.removeChild(node.firstChild); return node; }

  function api(path, options) {
    options = options || {};
    var headers = Object.assign({ Authorization: 'Bearer ' + token }, options.body ? { 'Content-Type': 'application/json' } : {});
    return fetch(path, { method: options.method || 'GET', headers: headers, body: options.body }).then(function (res) {
      if (res.status === 401) { showTokenPanel(); throw new Error('unauthorized'); }
      return res;
    });
  }
  function apiJson(path, options) { return api(path, options).then(function (res) { return res.json(); }); }

  function showTokenPanel() {
    sessionStorage.removeItem(TOKEN_KEY);
    $('token-panel').classList.remove('hidden');
    $('app').classList.add('hidden');
  }

  // ---- plugins ----------------------------------------------------------------------
  var refreshTimer = null;
  function refreshPlugins() {
    clearTimeout(refreshTimer);
    refreshTimer = setTimeout(function () {
      apiJson('/api/plugins').then(function (data) { state.plugins = data.plugins; renderPlugins(); }).catch(function () {});
    }, 120);
  }
  function selectedPlugin() {
    return state.plugins.find(function (p) { return p.key === state.selected; }) || null;
  }
  function renderPlugins() {
    if (!selectedPlugin() && state.plugins.length) selectPlugin(state.plugins[0].key, true);
    var list = clear($('plugin-list'));
    if (!state.plugins.length) list.appendChild(el('div', { class: 'empty', text: 'No plugins.' }));
    state.plugins.forEach(function (p) {
      list.appendChild(el('button', { class: 'plugin-item' + (p.key === state.selected ? ' selected' : ''), type: 'button', 'data-key': p.key, onclick: function () { selectPlugin(p.key); } }, [
        el('div', { class: 'name' }, [el('span', { text: p.name || p.key }), el('span', { class: 'pill ' + p.state, text: p.state })]),
        el('div', { class: 'sub', text: (p.providerType || p.manifestFile) + (p.pid ? '  pid ' + p.pid : '') })
      ]));
    });
    renderDetail();
    renderModels();
  }
  function selectPlugin(key, quiet) {
    state.selected = key;
    if (!state.logs[key]) {
      state.logs[key] = [];
      apiJson('/api/plugins/' + encodeURIComponent(key) + '/logs').then(function (data) {
        state.logs[key] = data.lines.map(function (l) { return { stream: l.stream, text: l.text }; }).concat(state.logs[key]);
        renderLogs();
      }).catch(function () {});
    }
    if (!quiet) renderPlugins();
    renderLogs();
  }
  function fact(label, value) { return value == null || value === '' ? null : el('span', {}, [label + ' ', el('b', { text: String(value) })]); }
  function renderDetail() {
    var box = clear($('plugin-detail'));
    var p = selectedPlugin();
    if (!p) { box.appendChild(el('div', { class: 'empty', text: 'No plugin selected.' })); return; }
    var md = p.metadata || {};
    var reload = el('button', { type: 'button', id: 'reload-button', onclick: function () {
      reload.disabled = true; reload.textContent = 'Reloading…';
      api('/api/plugins/' + encodeURIComponent(p.key) + '/reload', { method: 'POST' }).finally(function () { reload.disabled = false; reload.textContent = 'Reload'; refreshPlugins(); });
    } }, ['Reload']);
    box.appendChild(el('div', { class: 'detail-head' }, [
      el('div', { class: 'titles' }, [
        el('h1', {}, [el('span', { text: p.name || p.key }), el('span', { class: 'pill ' + p.state, text: p.state })]),
        el('div', { class: 'muted', text: md.description || '' })
      ]),
      p.state === 'refused' ? null : reload
    ]));
    box.appendChild(el('div', { class: 'facts' }, [
      fact('provider_type', p.providerType), fact('version', md.version), fact('api', md.plugin_api_version),
      fact('pid', p.pid), fact('port', p.port), fact('generation', p.generation), fact('restarts', p.restarts),
      fact('manifest', p.manifestFile), fact('models', (p.models || []).length)
    ]));
    var caps = p.capabilities || {};
    var chips = el('div', { class: 'chips' });
    ['streaming', 'function_calling', 'vision', 'embeddings', 'fine_tuning'].forEach(function (c) {
      chips.appendChild(el('span', { class: 'chip' + (caps[c] ? ' on' : ''), text: (caps[c] ? '✓ ' : '') + c }));
    });
    box.appendChild(chips);
    var every = p.healthCheckIntervalMs < 1000 ? p.healthCheckIntervalMs + ' ms' : Math.round(p.healthCheckIntervalMs / 1000) + ' s';
    var timeline = el('div', { class: 'timeline', title: 'health, every ' + every });
    (p.health || []).slice(-80).forEach(function (h) {
      timeline.appendChild(el('span', { class: h.healthy ? '' : 'bad', title: new Date(h.time).toLocaleTimeString() + ' ' + (h.healthy ? 'healthy' : 'unhealthy') + ' ' + (h.message || '') + ' (' + h.latencyMs + ' ms)' }));
    });
    box.appendChild(el('div', { class: 'small muted', text: 'Health (' + (p.health || []).length + ' checks, every ' + every + ')' }));
    box.appendChild(timeline);
    if (p.stateMessage) box.appendChild(el('div', { class: 'state-message', text: p.stateMessage }));
    var a = p.lastAttempt;
    if (a && !a.ok) {
      box.appendChild(el('div', { class: 'attempt-fail' }, [
        el('div', { text: 'Last ' + a.reason + ' failed at ' + (a.step || '?') + ': ' + (a.error || '') }),
        a.stderrTail ? el('pre', { text: a.stderrTail }) : null
      ]));
    }
    if (p.diagnostics && p.diagnostics.length) {
      var ul = el('ul', { class: 'diag' });
      p.diagnostics.forEach(function (d) {
        ul.appendChild(el('li', {}, [el('span', { class: 'sev-' + d.severity, text: d.severity }), ' ' + d.line + ':' + d.column + ' ' + d.message + ' ', el('span', { class: 'muted', text: d.rule })]));
      });
      box.appendChild(ul);
    }
    if (p.missingConfig && p.missingConfig.length) box.appendChild(el('div', { class: 'state-message', text: 'Waiting for config: ' + p.missingConfig.join(', ') }));
  }
  function renderModels() {
    var select = $('model-select');
    var current = select.value;
    var options = [];
    state.plugins.forEach(function (p) { (p.models || []).forEach(function (m) { options.push({ id: m.id, label: m.id + '  ·  ' + (p.providerType || p.key) }); }); });
    var signature = options.map(function (o) { return o.label; }).join('|');
    if (select.getAttribute('data-signature') === signature) return;
    select.setAttribute('data-signature', signature);
    clear(select);
    options.forEach(function (o) { select.appendChild(el('option', { value: o.id, text: o.label })); });
    if (options.some(function (o) { return o.id === current; })) select.value = current;
  }

  // ---- logs ---------------------------------------------------------------------------
  function renderLogs() {
    var view = clear($('log-view'));
    var lines = state.logs[state.selected] || [];
    $('logs-title').textContent = state.selected ? state.selected + ' stdout / stderr' : '';
    lines.slice(-400).forEach(function (l) { view.appendChild(el('span', { class: l.stream, text: l.text + '\n' })); });
    if ($('logs-follow').checked) view.scrollTop = view.scrollHeight;
  }
  function addLog(ev) {
    var lines = state.logs[ev.key] || (state.logs[ev.key] = []);
    lines.push({ stream: ev.stream, text: ev.text });
    if (lines.length > 1000) lines.splice(0, lines.length - 1000);
    if (ev.key === state.selected) {
      var view = $('log-view');
      view.appendChild(el('span', { class: ev.stream, text: ev.text + '\n' }));
      if ($('logs-follow').checked) view.scrollTop = view.scrollHeight;
    }
  }

  // ---- request inspector ---------------------------------------------------------------
  function pretty(text) {
    if (!text) return '(empty)';
    try { return JSON.stringify(JSON.parse(text), null, 2); } catch (e) { return text; }
  }
  function renderRequests() {
    var list = clear($('request-list'));
    if (!state.requests.length) list.appendChild(el('div', { class: 'empty', text: '  No requests yet: send a chat.' }));
    state.requests.slice().reverse().forEach(function (r) {
      var ok = r.status === 200;
      list.appendChild(el('div', { class: 'req' + (r.id === state.selectedRequest ? ' selected' : ''), 'data-id': String(r.id), onclick: function () { state.selectedRequest = r.id; renderRequests(); } }, [
        el('span', { text: r.method }), el('span', { text: r.path + (r.stream ? ' (stream)' : '') + (r.model ? ' · ' + r.model : '') }),
        el('span', { class: ok ? 'st-ok' : 'st-bad', text: String(r.status == null ? 'ERR' : r.status) }), el('span', { class: 'ms', text: r.durationMs.toFixed(1) + ' ms' })
      ]));
    });
    var detail = clear($('request-detail'));
    var r = state.requests.find(function (x) { return x.id === state.selectedRequest; });
    if (!r) return;
    var copy = el('button', { type: 'button', class: 'ghost', onclick: function () {
      navigator.clipboard.writeText(r.curl).then(function () { copy.textContent = 'Copied'; setTimeout(function () { copy.textContent = 'Copy'; }, 1200); });
    } }, ['Copy']);
    detail.appendChild(el('div', { class: 'mono small muted', text: r.method + ' ' + r.path + ' → ' + (r.status == null ? 'no answer' : r.status) + ' in ' + r.durationMs.toFixed(1) + ' ms' + (r.provider ? ' via ' + r.provider : '') + (r.error ? ' · ' + r.error : '') }));
    detail.appendChild(el('h4', {}, ['curl', copy]));
    detail.appendChild(el('pre', { class: 'curl', text: r.curl }));
    detail.appendChild(el('h4', { text: 'Request body' }));
    detail.appendChild(el('pre', { text: pretty(r.requestBody) }));
    detail.appendChild(el('h4', { text: 'Response body' + (r.truncated ? ' (truncated)' : '') }));
    detail.appendChild(el('pre', { class: 'response-body', text: r.stream ? r.responseBody : pretty(r.responseBody) }));
  }
  function addRequest(entry) {
    state.requests.push(entry);
    if (state.requests.length > 200) state.requests.shift();
    state.selectedRequest = entry.id;
    renderRequests();
  }

  // ---- chat --------------------------------------------------------------------------
  var chatHistory = [];
  function bubble(kind, text) {
    var node = el('div', { class: 'msg ' + kind, text: text });
    var log = $('chat-log');
    log.appendChild(node);
    log.scrollTop = log.scrollHeight;
    return node;
  }
  function sendChat(text) {
    var model = $('model-select').value;
    var stream = $('stream-toggle').checked;
    chatHistory.push({ role: 'user', content: text });
    bubble('user', text);
    var reply = bubble('assistant' + (stream ? ' streaming' : ''), '');
    var started = performance.now();
    var firstByte = null;
    $('chat-send').disabled = true;
    var body = JSON.stringify({ model: model, messages: chatHistory, stream: stream });
    return api('/v1/chat/completions', { method: 'POST', body: body }).then(function (res) {
      var type = res.headers.get('content-type') || '';
      if (res.status !== 200 || type.indexOf('text/event-stream') === -1) {
        return res.text().then(function (t) {
          if (res.status !== 200) throw new Error('HTTP ' + res.status + '\n' + pretty(t));
          var data = JSON.parse(t);
          var content = data.choices && data.choices[0] && data.choices[0].message ? data.choices[0].message.content : '';
          reply.textContent = content || '';
          return content || '';
        });
      }
      var reader = res.body.getReader();
      var decoder = new TextDecoder();
      var buffer = '';
      var content = '';
      function pump() {
        return reader.read().then(function (chunk) {
          if (chunk.done) return content;
          if (firstByte === null) firstByte = performance.now() - started;
          buffer += decoder.decode(chunk.value, { stream: true });
          var parts = buffer.split(/\r?\n\r?\n/);
          buffer = parts.pop();
          parts.forEach(function (part) {
            part.split(/\r?\n/).forEach(function (line) {
              if (line.indexOf('data:') !== 0) return;
              var data = line.slice(5).trim();
              if (data === '[DONE]') return;
              try {
                var event = JSON.parse(data);
                if (event.code && event.message) throw new Error(event.code + ': ' + event.message);
                var delta = event.choices && event.choices[0] && event.choices[0].delta;
                if (delta && delta.content) { content += delta.content; reply.textContent = content; $('chat-log').scrollTop = 1e9; }
              } catch (e) { if (e instanceof SyntaxError) return; throw e; }
            });
          });
          return pump();
        });
      }
      return pump();
    }).then(function (content) {
      chatHistory.push({ role: 'assistant', content: content });
      reply.classList.remove('streaming');
      var total = performance.now() - started;
      reply.appendChild(el('span', { class: 'meta', text: model + ' · ' + Math.round(total) + ' ms' + (firstByte !== null && stream ? ' · first byte ' + Math.round(firstByte) + ' ms' : '') }));
    }).catch(function (error) {
      chatHistory.pop();
      reply.remove();
      bubble('error', error.message);
    }).finally(function () { $('chat-send').disabled = false; });
  }

  // ---- events ------------------------------------------------------------------------
  // Server-sent events read through fetch, so the token travels in a header and never in a URL.
  function setConnected(ok) {
    state.connected = ok;
    $('conn-dot').className = 'dot ' + (ok ? 'ok' : 'bad');
    $('conn-text').textContent = ok ? 'live' : 'reconnecting';
  }
  function handleEvent(ev) {
    if (ev.type === 'log') addLog(ev);
    else if (ev.type === 'request') addRequest(ev.entry);
    else refreshPlugins();
  }
  function connectEvents() {
    api('/api/events').then(function (res) {
      if (res.status !== 200) throw new Error('events ' + res.status);
      setConnected(true);
      refreshPlugins();
      var reader = res.body.getReader();
      var decoder = new TextDecoder();
      var buffer = '';
      var skipBacklogLogs = true;
      setTimeout(function () { skipBacklogLogs = false; }, 300);
      function pump() {
        return reader.read().then(function (chunk) {
          if (chunk.done) throw new Error('closed');
          buffer += decoder.decode(chunk.value, { stream: true });
          var parts = buffer.split('\n\n');
          buffer = parts.pop();
          parts.forEach(function (part) {
            if (part.indexOf('data: ') !== 0) return;
            try {
              var ev = JSON.parse(part.slice(6));
              // Log lines of the backlog are fetched per plugin instead.
              if (ev.type === 'log' && skipBacklogLogs) return;
              handleEvent(ev);
            } catch (e) { /* ignore a malformed event */ }
          });
          return pump();
        });
      }
      return pump();
    }).catch(function () {
      setConnected(false);
      if (sessionStorage.getItem(TOKEN_KEY)) setTimeout(connectEvents, 1500);
    });
  }

  function start() {
    if (!token) { showTokenPanel(); return; }
    apiJson('/api/info').then(function (info) {
      $('host-url').textContent = info.url;
      if (info.mockUpstream) $('mock-badge').classList.remove('hidden');
    }).catch(function () {});
    apiJson('/api/requests').then(function (data) { state.requests = data.requests; renderRequests(); }).catch(function () {});
    refreshPlugins();
    connectEvents();
  }

  document.addEventListener('DOMContentLoaded', function () {
    $('token-form').addEventListener('submit', function (e) {
      e.preventDefault();
      token = $('token-input').value.trim();
      if (!token) return;
      sessionStorage.setItem(TOKEN_KEY, token);
      $('token-panel').classList.add('hidden');
      $('app').classList.remove('hidden');
      start();
    });
    $('chat-form').addEventListener('submit', function (e) {
      e.preventDefault();
      var input = $('chat-input');
      var text = input.value.trim();
      if (!text || !$('model-select').value) return;
      input.value = '';
      sendChat(text);
    });
    $('chat-input').addEventListener('keydown', function (e) {
      if (e.key === 'Enter' && !e.shiftKey) { e.preventDefault(); $('chat-form').requestSubmit(); }
    });
    $('chat-clear').addEventListener('click', function () { chatHistory = []; clear($('chat-log')); });
    $('logs-follow').addEventListener('change', renderLogs);
    renderRequests();
    start();
  });
})();
`;
