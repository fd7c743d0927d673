/** The playground's HTML shell. Script and styles are separate files so the CSP can forbid inline code. */
export const PAGE_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>Loom dev host</title>
<link rel="stylesheet" href="/app.css">
<link rel="icon" href="data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 16 16'%3E%3Ccircle cx='8' cy='8' r='7' fill='%237c83ff'/%3E%3C/svg%3E">
<script src="/app.js" defer></script>
</head>
<body>
<header class="top">
  <div class="brand"><span class="logo">&#x25CE;</span> Loom dev host</div>
  <div class="top-info"><span id="host-url"></span><span id="mock-badge" class="badge hidden">mock upstream</span></div>
  <div class="conn"><span id="conn-dot" class="dot"></span><span id="conn-text">connecting</span></div>
</header>
<div id="token-panel" class="token-panel hidden">
  <h2>Token needed</h2>
  <p>Open the address printed by <code>loom-plugin dev</code> (it carries <code>#token=...</code>), or paste the token here.</p>
  <form id="token-form"><input id="token-input" type="password" autocomplete="off" placeholder="token"><button type="submit">Use token</button></form>
</div>
<main id="app" class="layout">
  <aside class="sidebar">
    <h2>Plugins</h2>
    <div id="plugin-list" class="plugin-list"></div>
  </aside>
  <section class="content">
    <section class="card" id="plugin-detail">
      <div class="empty">No plugin selected.</div>
    </section>
    <div class="columns">
      <section class="card chat">
        <div class="card-head"><h3>Chat</h3>
          <div class="chat-controls">
            <select id="model-select" aria-label="model"></select>
            <label class="check"><input type="checkbox" id="stream-toggle" checked> stream</label>
            <button type="button" id="chat-clear" class="ghost">Clear</button>
          </div>
        </div>
        <div id="chat-log" class="chat-log"></div>
        <form id="chat-form" class="chat-form">
          <textarea id="chat-input" rows="2" placeholder="Say something to the plugin… (Enter to send, Shift+Enter for a new line)"></textarea>
          <button type="submit" id="chat-send">Send</button>
        </form>
      </section>
      <section class="card inspector">
        <div class="card-head"><h3>Requests</h3><span class="muted small">through /v1</span></div>
        <div id="request-list" class="request-list"></div>
        <div id="request-detail" class="request-detail"></div>
      </section>
    </div>
    <section class="card logs">
      <div class="card-head"><h3>Output</h3><span id="logs-title" class="muted small"></span>
        <label class="check"><input type="checkbox" id="logs-follow" checked> follow</label></div>
      <pre id="log-view" class="log-view"></pre>
    </section>
  </section>
</main>
</body>
</html>
`;
