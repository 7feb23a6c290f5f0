/* The customer web app: the views behind the address's #fragment (sign-in, accounts,
   transactions, statements; pay.js: sending money, payees, sessions and devices). */
"use strict";

(() => {
  const { json, call, el, money, when, say, handle, table } = Vaani;
  const API = "/api/v1";
  const VIEWS = ["login", "accounts", "transactions", "transfer", "statements", "beneficiaries",
                 "security"];
  let notice = null;  // said once the sign-in view shows
  const paging = { account: null, cursors: [null], at: 0, next: null };

  const show = Vaani.viewShower(VIEWS);

  function signedOut() {
    restartSignIn();
    if (location.hash !== "#login") location.hash = "#login";
    else show("login");
  }
  Vaani.onSignedOut = signedOut;

  async function accounts() {
    return (await json("GET", API + "/accounts")).items;
  }

  function fillAccounts(select, items) {
    const chosen = select.value;
    select.replaceChildren(...items.map((a) => el("option", { value: a.account_number },
      a.account_number + " · " + a.account_type + " · " + money(a.available_balance))));
    if (chosen) select.value = chosen;
  }

  async function showAccounts() {
    const [me, items] = await Promise.all([json("GET", API + "/me"), accounts()]);
    document.getElementById("greeting").textContent = "Hello, " + me.first_name + ".";
    document.getElementById("accounts-list").replaceChildren(table("Accounts and balances",
      ["Account", "Type", "Status", "Balance", "Available"],
      items.map((a) => [el("a", { href: "#transactions/" + a.account_number }, a.account_number),
                        a.account_type, a.status, money(a.balance),
                        money(a.available_balance)])));
  }

  async function loadTransactions() {
    const cursor = paging.cursors[paging.at];
    const query = "?limit=10" + (cursor ? "&cursor=" + encodeURIComponent(cursor) : "");
    const page = await json("GET", API + "/accounts/" + paging.account + "/transactions" + query);
    paging.next = page.next_cursor;
    document.getElementById("transactions-list").replaceChildren(page.items.length
      ? table("Transactions of " + paging.account + ", page " + (paging.at + 1),
        ["Date", "Description", "Type", "Amount", "Balance after"],
        page.items.map((t) => [when(t.posted_at), t.description || t.channel, t.type,
                               (t.type === "debit" ? "− " : "+ ") + money(t.amount),
                               money(t.balance_after)]))
      : el("p", {}, "No transactions on this page."));
    document.getElementById("transactions-older").disabled = !paging.next;
    document.getElementById("transactions-newer").disabled = paging.at === 0;
  }

  async function showTransactions(number) {
    const select = document.getElementById("transactions-account");
    fillAccounts(select, await accounts());
    if (number) select.value = number;
    if (!select.value) return;
    Object.assign(paging, { account: select.value, cursors: [null], at: 0, next: null });
    await loadTransactions();
  }

  async function showStatements() {
    fillAccounts(document.getElementById("statement-account"), await accounts());
    const today = new Date().toISOString().slice(0, 10);
    const from = document.getElementById("statement-from");
    const to = document.getElementById("statement-to");
    if (!to.value) to.value = today;
    if (!from.value) from.value = today.slice(0, 8) + "01";
  }

  const ROUTES = {
    accounts: showAccounts, transactions: showTransactions, statements: showStatements,
    transfer: async () => Pay.showTransfer(await accounts()),
    beneficiaries: () => Pay.showBeneficiaries(), security: () => Pay.showSecurity(),
  };

  const route = Vaani.router(ROUTES, "accounts", show, () => {
    const said = notice;
    notice = null;
    return said;
  });

  const restartSignIn = Vaani.signInForms(() => { location.hash = "#accounts"; });

  handle(document.getElementById("transactions-form"), async (data) => {
    location.hash = "#transactions/" + data.get("account");
  });
  for (const [id, step] of [["transactions-older", 1], ["transactions-newer", -1]]) {
    document.getElementById(id).addEventListener("click", async () => {
      try {
        if (step > 0) paging.cursors[paging.at + 1] = paging.next;
        paging.at += step;
        await loadTransactions();
      } catch (error) { Vaani.sayError(error); }
    });
  }

  handle(document.getElementById("statement-form"), async (data) => {
    const number = data.get("account");
    const format = data.get("format");
    const response = await call("POST", API + "/accounts/" + number + "/statement/download",
                                { from: data.get("from"), to: data.get("to"), format });
    const name = "statement-" + number + "-" + data.get("from") + "-" + data.get("to") + "." +
                 format;
    const link = el("a", { href: URL.createObjectURL(await response.blob()), download: name },
                    "Download " + name + " again");
    document.getElementById("statement-link").replaceChildren(link);
    link.click();
    say("Your statement " + name + " is downloading.");
  });

  document.getElementById("sign-out").addEventListener("click", async () => {
    try { notice = await Vaani.signOut(); } catch (error) { Vaani.sayError(error); return; }
    signedOut();
  });

  window.addEventListener("hashchange", route);
  route();
})();
