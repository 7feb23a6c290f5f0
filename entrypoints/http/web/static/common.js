/* The web app's helpers, shared by the customer and operator pages: calls to the API on the
   cookie session (the CSRF token echoed on unsafe methods, one refresh when the access token has
   expired), small DOM builders, money, and messages taken from the API's error envelope. */
"use strict";

const Vaani = (() => {
  const SAFE = new Set(["GET", "HEAD", "OPTIONS"]);

  class ApiError extends Error {
    constructor(status, code, message, info) {
      super(message);
      this.status = status;
      this.code = code;
      this.info = info || {};
    }
  }

  function cookie(name) {
    const found = document.cookie.split("; ").find((c) => c.startsWith(name + "="));
    return found ? decodeURIComponent(found.slice(name.length + 1)) : "";
  }

  function newKey() {
    const bytes = new Uint8Array(16);
    crypto.getRandomValues(bytes);
    return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
  }

  async function send(method, path, body, headers) {
    const sent = { "Accept": "application/json", ...(headers || {}) };
    if (!SAFE.has(method)) sent["X-CSRF-Token"] = cookie("vaani_csrf");
    if (body !== undefined) sent["Content-Type"] = "application/json";
    return fetch(path, {
      method, headers: sent, credentials: "same-origin", cache: "no-store",
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  }

  async function failure(response) {
    let envelope = null;
    try { envelope = await response.json(); } catch (_) { /* not JSON */ }
    const error = envelope && envelope.error;
    if (error) return new ApiError(response.status, error.code, error.message, error.info);
    return new ApiError(response.status, "http_" + response.status,
                        "The bank did not answer as expected (HTTP " + response.status + ").");
  }

  let onSignedOut = () => {};
  let renewing = null;

  /* One refresh for all the calls that found the access token expired at once: a second
     refresh would send the refresh token the first one rotated out. */
  function renew() {
    if (!renewing) {
      renewing = send("POST", "/app/session/refresh").then((r) => r.ok, () => false)
        .finally(() => { renewing = null; });
    }
    return renewing;
  }

  /* Whether a 401 says the session's token ended (`unauthorized`), not that an answer was
     wrong (a PIN, a code, a voice: also 401, and never to be sent again by itself). */
  async function sessionEnded(response) {
    if (response.status !== 401) return false;
    try { return (await response.clone().json()).error.code === "unauthorized"; }
    catch (_) { return false; }
  }

  /* Call the API; resolves to the Response when it succeeded, rejects with an ApiError. */
  async function call(method, path, body, headers) {
    let response = await send(method, path, body, headers);
    if (path.startsWith("/api/") && cookie("vaani_csrf") && await sessionEnded(response)) {
      if (await renew()) response = await send(method, path, body, headers);
    }
    if (response.ok) return response;
    const error = await failure(response);
    if (error.code === "unauthorized" && path.startsWith("/api/")) onSignedOut();
    throw error;
  }

  /* Sign out: the notice to show once it is done. A session that had ended already counts as
     signed out; any other failure leaves it live, so it is thrown for the page to say. */
  async function signOut() {
    try { await call("POST", "/app/session/logout"); }
    catch (error) { if (error.code !== "unauthorized") throw error; }
    return "You have signed out.";
  }

  async function json(method, path, body, headers) {
    const response = await call(method, path, body, headers);
    return response.status === 204 ? null : response.json();
  }

  /* el("p", {class: "x"}, "text", child): attributes set as attributes, never as HTML. */
  function el(tag, attributes, ...children) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attributes || {})) {
      if (value === false || value === null || value === undefined) continue;
      if (name.startsWith("on")) node.addEventListener(name.slice(2), value);
      else node.setAttribute(name, value === true ? "" : String(value));
    }
    for (const child of children.flat()) {
      if (child !== null && child !== undefined) {
        node.append(child instanceof Node ? child : document.createTextNode(String(child)));
      }
    }
    return node;
  }

  function money(m) {
    const formatted = Number(m.amount).toLocaleString("en-IN", {
      minimumFractionDigits: m.amount.includes(".") ? m.amount.split(".")[1].length : 0,
    });
    return m.currency + "\u00a0" + formatted;  // never split across lines
  }

  function when(stamp) {
    return stamp ? new Date(stamp).toLocaleString("en-IN", { dateStyle: "medium",
                                                             timeStyle: "short" }) : "";
  }

  /* Say something in the page's message region: errors as an alert, news as a status. */
  function say(text, kind) {
    const region = document.getElementById(kind === "error" ? "alert" : "status");
    const other = document.getElementById(kind === "error" ? "status" : "alert");
    other.textContent = "";
    region.textContent = "";
    region.append(el("p", {}, text));
  }

  function clearMessages() {
    document.getElementById("alert").textContent = "";
    document.getElementById("status").textContent = "";
  }

  function sayError(error) {
    say(error instanceof ApiError ? error.message : "Something went wrong: " + error, "error");
  }

  /* Run a form's handler: the button disabled meanwhile, errors shown from the envelope. */
  function handle(form, handler) {
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const button = form.querySelector("button[type=submit]");
      if (button) button.disabled = true;
      clearMessages();
      try {
        await handler(new FormData(form));
      } catch (error) {
        sayError(error);
      } finally {
        if (button) button.disabled = false;
      }
    });
  }

  function table(caption, headings, rows) {
    return el("div", { class: "table-wrap", tabindex: "0", role: "region",
                       "aria-label": caption },
      el("table", {},
        el("caption", {}, caption),
        el("thead", {}, el("tr", {}, headings.map((h) => el("th", { scope: "col" }, h)))),
        el("tbody", {}, rows.map((cells) => el("tr", {}, cells.map((c, i) =>
          el("td", { "data-label": headings[i] }, c)))))));
  }

  /* The sign-in forms (#login-form, then #totp-form when two-step login is on); `signedIn`
     runs once the session's cookies are set. */
  // One of the page's views shown at a time: its nav link marked current, its heading focused
  // (where a screen reader starts reading), the tab's title its name.
  function viewShower(views) {
    return (name) => {
      for (const view of views) document.getElementById("view-" + view).hidden = view !== name;
      document.getElementById("nav").hidden = name === "login";
      for (const link of document.querySelectorAll("#nav a")) {
        if (link.getAttribute("href") === "#" + name) link.setAttribute("aria-current", "page");
        else link.removeAttribute("aria-current");
      }
      const heading = document.getElementById(name + "-title");
      document.title = heading.textContent + " · Vaani Bank";
      heading.focus();
    };
  }

  /* The router of a page: shows the view its #fragment names (`fallback` when it names none)
     once that view's `routes` entry has filled it; the sign-in view says `notice()` if any. */
  function router(routes, fallback, show, notice) {
    return async () => {
      const [name, argument] = location.hash.slice(1).split("/");
      const view = (routes[name] || name === "login") ? name : fallback;
      clearMessages();
      if (view === "login") {
        show("login");
        const said = notice();
        if (said) say(said);
        return;
      }
      try {
        await routes[view](argument);
        show(view);
      } catch (error) {
        if (error.status !== 401) { show(view); sayError(error); }
      }
    };
  }

  function signInForms(signedIn) {
    const first = document.getElementById("login-form");
    const second = document.getElementById("totp-form");
    let ticket = null;
    handle(first, async (data) => {
      const answer = await json("POST", "/app/session", {
        customer_number: data.get("customer_number").trim(), password: data.get("password") });
      first.reset();
      if (answer.status !== "second_factor_required") { signedIn(answer); return; }
      ticket = answer.login_ticket;
      first.hidden = true;
      second.hidden = false;
      document.getElementById("totp-code").focus();
    });
    handle(second, async (data) => {
      const code = data.get("code").trim();
      const kind = /^\d{6}$/.test(code) ? "code" : "recovery_code";
      const answer = await json("POST", "/app/session/second-factor",
                                { login_ticket: ticket, [kind]: code });
      second.reset();
      signedIn(answer);
    });
    return () => {  // back to the first step
      ticket = null;
      second.hidden = true;
      first.hidden = false;
    };
  }

  return { ApiError, call, json, el, money, when, say, sayError, clearMessages, handle, table,
           newKey, cookie, signInForms, viewShower, signOut, router,
           get onSignedOut() { return onSignedOut; }, set onSignedOut(fn) { onSignedOut = fn; } };
})();
