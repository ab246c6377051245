package main

// page logs in, lists the user's sessions with a button to end each, ends
// the others, calls /user, and keeps a WebSocket open that shows why it
// closed. It keeps the tokens in memory only: a reload logs out.
const page = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>ginpaseto sessions example</title>
<style>
body { font-family: sans-serif; max-width: 48em; margin: 2em auto; }
table { border-collapse: collapse; }
td, th { padding: 0.2em 0.6em; text-align: left; }
#log { background: #f4f4f4; padding: 1em; min-height: 6em; white-space: pre-wrap; }
</style>
</head>
<body>
<h1>Where am I logged in?</h1>
<p>
  <input id="username" value="test" aria-label="username">
  <input id="password" value="test" type="password" aria-label="password">
  <button id="login">Log in</button>
</p>
<p>
  <button id="list">List my sessions</button>
  <button id="others">Log out my other devices</button>
  <button id="user">Call /user</button>
  <button id="connect">Open a socket</button>
</p>
<p>Socket: <span id="socket">closed</span></p>
<table>
<thead><tr><th>device</th><th>started</th><th>refreshed</th><th>expires</th><th></th></tr></thead>
<tbody id="sessions"></tbody>
</table>
<pre id="log"></pre>
<script>
"use strict";
const $ = (id) => document.getElementById(id);
let access = "";
let socket = null;

function log(line) {
  $("log").textContent += line + "\n";
}

async function call(method, path, body) {
  const init = {method, headers: {}};
  if (access) init.headers["Authorization"] = "Bearer " + access;
  if (body !== undefined) {
    init.headers["Content-Type"] = "application/json";
    init.body = JSON.stringify(body);
  }
  const resp = await fetch(path, init);
  const text = await resp.text();
  return {status: resp.status, body: text ? JSON.parse(text) : null};
}

$("login").onclick = async () => {
  const r = await call("POST", "/login", {username: $("username").value, password: $("password").value});
  if (r.status !== 200) {
    log("login: " + r.status + " " + r.body.detail);
    return;
  }
  access = r.body.access_token;
  log("login: " + $("username").value + " logged in");
};

async function list() {
  const r = await call("GET", "/sessions");
  if (r.status !== 200) {
    log("sessions: " + r.status + " " + r.body.detail);
    return;
  }
  const rows = $("sessions");
  rows.textContent = "";
  for (const s of r.body) {
    const tr = document.createElement("tr");
    tr.dataset.id = s.id;
    if (s.current) tr.className = "current";
    for (const text of [s.metadata && s.metadata.device || "", s.started, s.refreshed, s.expires]) {
      const td = document.createElement("td");
      td.textContent = text;
      tr.appendChild(td);
    }
    const td = document.createElement("td");
    if (s.current) {
      td.textContent = "this device";
    } else {
      const end = document.createElement("button");
      end.textContent = "End";
      end.className = "end";
      end.onclick = async () => {
        const r = await call("DELETE", "/sessions/" + encodeURIComponent(s.id));
        log("end: " + r.status);
        await list();
      };
      td.appendChild(end);
    }
    tr.appendChild(td);
    rows.appendChild(tr);
  }
  log("sessions: " + r.body.length);
}
$("list").onclick = list;

$("others").onclick = async () => {
  const r = await call("POST", "/logout-others");
  log("logout-others: " + r.status);
  await list();
};

$("user").onclick = async () => {
  const r = await call("GET", "/user");
  log("user: " + r.status + " " + JSON.stringify(r.body));
};

$("connect").onclick = () => {
  if (socket) socket.close();
  const scheme = location.protocol === "https:" ? "wss:" : "ws:";
  // The token travels as a subprotocol, after the name "paseto", never in
  // the URL.
  const ws = new WebSocket(scheme + "//" + location.host + "/ws", ["paseto", access]);
  socket = ws;
  ws.onopen = () => { $("socket").textContent = "open"; };
  ws.onmessage = (event) => log("socket: " + event.data);
  ws.onclose = (event) => {
    $("socket").textContent = "closed " + event.code + " " + event.reason;
    log("socket: closed " + event.code + " " + JSON.stringify(event.reason));
    if (socket === ws) socket = null;
  };
};
</script>
</body>
</html>
`
