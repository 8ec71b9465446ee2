/*
 * Web chat widget: one script tag injects a chat bubble and panel talking to the assistant over
 * socket.io (Rasa's socket.io channel, channels/webchat.py).
 *
 *   <script src="https://ASSISTANT/webchat/webchat.js" defer></script>
 *
 * Optional data- attributes on that tag:
 *   data-server       the assistant's address (default: where this script comes from)
 *   data-socket-path  socket.io path (default /socket.io/)
 *   data-open="true"  open the panel at once
 *   data-token        a JWT for the connection, when the channel has jwt_key set
 *
 * Texts come from the server (/webchat/texts.json, Spanish, from channels/locale/webchat.es.yml);
 * socket.io-client is the pinned copy served next to this file. The session id is kept in
 * localStorage, so a reload resumes the conversation and shows its history (fetched from the
 * server, which only gives a session's own messages). Styles live in a shadow root, so the
 * host page's CSS and the widget's never mix.
 */
(function () {
  "use strict";

  var SOCKET_IO = "vendor/socket.io-client-4.8.4/socket.io.min.js";
  var STORAGE_KEY = "webchat_session_id";
  var TYPING_TIMEOUT_MS = 60000; // never leave "escribiendo…" up forever if a turn is lost

  var script = document.currentScript || document.querySelector('script[src*="webchat.js"]');
  var scriptUrl = new URL(script.src, document.baseURI);
  var assets = scriptUrl.href.replace(/[^/]*$/, "");
  var server = (script.dataset.server || scriptUrl.origin).replace(/\/$/, "");
  var socketPath = script.dataset.socketPath || "/socket.io/";

  function el(tag, attributes, children) {
    var node = document.createElement(tag);
    Object.keys(attributes || {}).forEach(function (name) {
      if (name === "text") node.textContent = attributes[name];
      else if (attributes[name] !== null && attributes[name] !== undefined) node.setAttribute(name, attributes[name]);
    });
    (children || []).forEach(function (child) { if (child) node.appendChild(child); });
    return node;
  }

  function loadScript(src) {
    return new Promise(function (resolve, reject) {
      var tag = el("script", { src: src });
      tag.onload = resolve;
      tag.onerror = function () { reject(new Error("cannot load " + src)); };
      document.head.appendChild(tag);
    });
  }

  function storedSession() {
    try { return window.localStorage.getItem(STORAGE_KEY); } catch (e) { return null; }
  }

  function storeSession(id) {
    try { window.localStorage.setItem(STORAGE_KEY, id); } catch (e) { /* private mode: no resume */ }
  }

  function Widget(texts, io) {
    this.texts = texts;
    this.io = io;
    this.sessionId = null;
    this.pending = []; // sent, not yet acknowledged: kept on screen when the history is redrawn
    this.held = null; // messages received while the history is being fetched
    this.typingTimer = null;
    this.build();
    this.connect();
  }

  Widget.prototype.build = function () {
    var t = this.texts;
    var host = el("div", { "class": "webchat-host" });
    this.host = host; // data-ready="true" once the conversation is on screen
    document.body.appendChild(host);
    var root = host.attachShadow({ mode: "open" });
    root.appendChild(el("link", { rel: "stylesheet", href: assets + "webchat.css" }));

    this.bubble = el("button", {
      type: "button", "class": "bubble", "aria-label": t.open_chat, "aria-expanded": "false",
      "aria-controls": "webchat-panel"
    }, [el("span", { "aria-hidden": "true", "class": "bubble-icon" })]);
    this.closeButton = el("button", { type: "button", "class": "close", "aria-label": t.close_chat, text: "×" });
    this.status = el("p", { "class": "status", role: "status", text: t.connecting });
    this.log = el("div", {
      "class": "log", role: "log", "aria-live": "polite", "aria-label": t.log_label, tabindex: "0"
    });
    this.typing = el("p", { "class": "typing", role: "status", hidden: "" }, [
      el("span", { "class": "dots", "aria-hidden": "true" }), el("span", { text: t.typing })
    ]);
    this.input = el("input", {
      id: "webchat-input", type: "text", autocomplete: "off", placeholder: t.input_placeholder
    });
    this.form = el("form", { "class": "composer" }, [
      el("label", { "for": "webchat-input", "class": "sr-only", text: t.input_label }),
      this.input,
      el("button", { type: "submit", "class": "send", text: t.send })
    ]);
    this.panel = el("section", {
      id: "webchat-panel", "class": "panel", role: "dialog", "aria-label": t.panel_label, hidden: "", lang: "es"
    }, [
      el("header", {}, [
        el("div", {}, [el("h2", { text: t.title }), el("p", { "class": "subtitle", text: t.subtitle })]),
        this.closeButton
      ]),
      this.status, this.log, this.typing, this.form
    ]);
    root.appendChild(this.bubble);
    root.appendChild(this.panel);

    var self = this;
    this.bubble.addEventListener("click", function () { self.setOpen(self.panel.hidden); });
    this.closeButton.addEventListener("click", function () { self.setOpen(false); });
    this.panel.addEventListener("keydown", function (event) {
      if (event.key === "Escape") self.setOpen(false);
    });
    this.form.addEventListener("submit", function (event) {
      event.preventDefault();
      var text = self.input.value;
      self.input.value = "";
      self.send(text, text);
    });
    if (script.dataset.open === "true") this.setOpen(true);
  };

  Widget.prototype.setOpen = function (open) {
    this.panel.hidden = !open;
    this.bubble.setAttribute("aria-expanded", String(open));
    if (open) {
      this.input.focus();
      this.log.scrollTop = this.log.scrollHeight;
    } else {
      this.bubble.focus();
    }
  };

  Widget.prototype.connect = function () {
    var self = this;
    var options = { path: socketPath };
    if (script.dataset.token) options.auth = { token: script.dataset.token };
    this.socket = this.io(server, options);
    this.socket.on("connect", function () {
      self.socket.emit("session_request", { session_id: self.sessionId || storedSession() });
    });
    this.socket.on("session_confirm", function (id) {
      self.sessionId = id;
      storeSession(id);
      self.status.hidden = true;
      self.restore(); // on every (re)connection: messages pushed while away appear too
    });
    this.socket.on("bot_uttered", function (message) {
      if (self.held) self.held.push(message);
      else self.addBot(message, true);
    });
    this.socket.on("bot_typing", function (state) { self.setTyping(Boolean(state && state.typing)); });
    this.socket.on("disconnect", function () { self.showStatus(self.texts.offline); });
    this.socket.on("connect_error", function () { self.showStatus(self.texts.offline); });
  };

  Widget.prototype.showStatus = function (text) {
    this.status.textContent = text;
    this.status.hidden = false;
  };

  // Redraws the conversation from the server. Messages arriving meanwhile are held, then shown
  // unless the history already ends with them (they were stored before it was read).
  Widget.prototype.restore = function () {
    var self = this;
    this.held = this.held || [];
    fetch(server + "/webhooks/webchat/history/" + encodeURIComponent(this.sessionId))
      .then(function (reply) { return reply.ok ? reply.json() : { messages: [] }; })
      .then(function (body) {
        var messages = body.messages || [];
        var lastUser = -1;
        messages.forEach(function (m, i) { if (m.from === "user") lastUser = i; });
        self.log.textContent = "";
        messages.forEach(function (message, i) {
          if (message.from === "user") self.addUser(message.text);
          else self.addBot(message, i > lastUser && !self.pending.length);
        });
        self.pending.forEach(function (p) { self.addUser(p.shown); });
        var tail = messages.slice(-self.held.length).map(sameMessage);
        self.held.forEach(function (message) {
          if (tail.indexOf(sameMessage(message)) < 0) self.addBot(message, true);
        });
      })
      .catch(function () { /* keep what is on screen; the next reconnection tries again */ })
      .then(function () {
        self.held = null;
        self.host.setAttribute("data-ready", "true");
      });
  };

  function sameMessage(message) {
    return JSON.stringify([message.text || "", (message.author && message.author.name) || ""]);
  }

  Widget.prototype.author = function (message) {
    var author = message.author;
    if (author && author.kind === "agent" && author.name) {
      return { kind: "agent", label: this.texts.agent_label.replace("{name}", author.name) };
    }
    return { kind: "bot", label: this.texts.assistant_label };
  };

  Widget.prototype.append = function (node) {
    this.log.appendChild(node);
    this.log.scrollTop = this.log.scrollHeight;
  };

  Widget.prototype.addUser = function (text) {
    this.append(el("div", { "class": "message from-user" }, [
      el("span", { "class": "author sr-only", text: this.texts.customer_label }),
      el("p", { "class": "text", text: text })
    ]));
  };

  Widget.prototype.addBot = function (message, withReplies) {
    var self = this;
    var author = this.author(message);
    var image = message.attachment && message.attachment.type === "image" && message.attachment.payload;
    if (!message.text && !image && !(message.quick_replies || []).length) return; // e.g. custom JSON
    var replies = withReplies ? (message.quick_replies || []) : [];
    var group = replies.length ? el("div", {
      "class": "quick-replies", role: "group", "aria-label": this.texts.quick_replies_label
    }, replies.map(function (reply) {
      var button = el("button", { type: "button", "class": "quick-reply", text: reply.title });
      button.addEventListener("click", function () { self.send(reply.payload, reply.title); });
      return button;
    })) : null;
    this.append(el("div", { "class": "message from-" + author.kind }, [
      el("span", { "class": author.kind === "agent" ? "author" : "author sr-only", text: author.label }),
      message.text ? el("p", { "class": "text", text: message.text }) : null,
      image ? el("img", { src: image.src, alt: this.texts.image_alt }) : null,
      group
    ]));
  };

  Widget.prototype.setTyping = function (typing) {
    var self = this;
    this.typing.hidden = !typing;
    clearTimeout(this.typingTimer);
    if (typing) this.typingTimer = setTimeout(function () { self.typing.hidden = true; }, TYPING_TIMEOUT_MS);
    if (typing) this.log.scrollTop = this.log.scrollHeight;
  };

  // Sends `text` (a typed message, or a button's payload) and shows `shown` (what the customer chose).
  Widget.prototype.send = function (text, shown) {
    if (!text || !text.trim()) return;
    var self = this;
    var entry = { shown: shown };
    this.log.querySelectorAll(".quick-replies").forEach(function (group) { group.remove(); });
    this.addUser(shown);
    this.pending.push(entry);
    this.setTyping(true);
    this.socket.emit("user_uttered", { message: text, session_id: this.sessionId }, function () {
      self.pending = self.pending.filter(function (p) { return p !== entry; });
    });
  };

  Promise.all([
    fetch(assets + "texts.json").then(function (reply) { return reply.json(); }),
    window.io ? Promise.resolve() : loadScript(assets + SOCKET_IO)
  ]).then(function (results) {
    window.webchat = new Widget(results[0], window.io);
  }).catch(function (error) {
    console.error("webchat: could not start", error);
  });
})();
