// Caseloop web chat: one session token in localStorage, one WebSocket, reconnects on its own.
(function () {
  "use strict";
  var TOKEN_KEY = "caseloop.session";
  var HISTORY_KEY = "caseloop.history";
  var log = document.getElementById("log");
  var form = document.getElementById("composer");
  var input = document.getElementById("text");
  var statusText = document.getElementById("status");
  var dot = document.getElementById("status-dot");
  var optionsBar = document.getElementById("options");
  var socket = null;
  var retryDelay = 1000;
  var unsent = [];
  var seen = {};

  function history() {
    try { return JSON.parse(localStorage.getItem(HISTORY_KEY)) || []; } catch (e) { return []; }
  }

  function remember(entry) {
    var items = history();
    items.push(entry);
    localStorage.setItem(HISTORY_KEY, JSON.stringify(items.slice(-100)));
  }

  function show(who, text) {
    var item = document.createElement("li");
    item.className = who;
    item.textContent = text;
    log.appendChild(item);
    log.scrollTop = log.scrollHeight;
  }

  function showOptions(options) {
    optionsBar.textContent = "";
    (options || []).forEach(function (label) {
      var button = document.createElement("button");
      button.type = "button";
      button.textContent = label;
      button.addEventListener("click", function () { send(label); });
      optionsBar.appendChild(button);
    });
  }

  function setStatus(online, text) {
    statusText.textContent = text;
    dot.classList.toggle("online", online);
  }

  function newSession() {
    return fetch("/webchat/sessions", { method: "POST" })
      .then(function (response) {
        if (!response.ok) { throw new Error("session " + response.status); }
        return response.json();
      })
      .then(function (body) {
        localStorage.setItem(TOKEN_KEY, body.session);
        localStorage.removeItem(HISTORY_KEY);
        return body.session;
      });
  }

  function connect(token, isRetry) {
    var scheme = location.protocol === "https:" ? "wss://" : "ws://";
    var opened = false;
    socket = new WebSocket(scheme + location.host + "/webchat/ws?session=" + encodeURIComponent(token));
    socket.onopen = function () {
      opened = true;
      retryDelay = 1000;
      setStatus(true, "Online — we usually reply in seconds");
      while (unsent.length) { socket.send(unsent.shift()); }
    };
    socket.onmessage = function (event) {
      var frame;
      try { frame = JSON.parse(event.data); } catch (e) { return; }
      if (typeof frame.text !== "string") { return; }
      if (frame.id) {
        if (seen[frame.id]) { return; }
        seen[frame.id] = true;
      }
      var who = frame.type === "error" ? "error" : "bot";
      show(who, frame.text);
      if (who === "bot") { remember({ who: who, text: frame.text, id: frame.id }); }
      showOptions(frame.options);
    };
    socket.onclose = function () {
      setStatus(false, "Reconnecting…");
      if (!opened && !isRetry) {
        newSession().then(function (fresh) { connect(fresh, true); }, retry);
        return;
      }
      retry();
    };
    function retry() {
      setTimeout(function () { connect(localStorage.getItem(TOKEN_KEY), false); }, retryDelay);
      retryDelay = Math.min(retryDelay * 2, 15000);
    }
  }

  function send(text) {
    text = text.trim();
    if (!text) { return; }
    var frame = JSON.stringify({ text: text, id: Date.now().toString(36) + Math.random().toString(36).slice(2) });
    show("me", text);
    remember({ who: "me", text: text.replace(/\b\d{3}[\s-]?\d{3}\b/g, "••••••") });
    showOptions([]);
    if (socket && socket.readyState === WebSocket.OPEN) { socket.send(frame); } else { unsent.push(frame); }
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    send(input.value);
    input.value = "";
    input.focus();
  });

  history().forEach(function (entry) {
    show(entry.who, entry.text);
    if (entry.id) { seen[entry.id] = true; }
  });
  var token = localStorage.getItem(TOKEN_KEY);
  (token ? Promise.resolve(token) : newSession()).then(function (t) { connect(t, false); }, function () {
    setStatus(false, "Chat is unavailable right now. Please try again later.");
  });
})();
