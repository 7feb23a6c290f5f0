/* The operator page: held transfers to approve or reject, and the disputes by deadline; for a
   staff login (the API refuses a customer's session with 403, shown as its message). */
"use strict";

(() => {
  const { json, call, el, money, when, say, table } = Vaani;
  const API = "/api/v1";
  const VIEWS = ["login", "review", "disputes"];
  let notice = null;

  const show = Vaani.viewShower(VIEWS);

  const restartSignIn = Vaani.signInForms(() => { location.hash = "#review"; });

  function signedOut() {
    restartSignIn();
    if (location.hash !== "#login") location.hash = "#login";
    else show("login");
  }
  Vaani.onSignedOut = signedOut;

  function reasons(transfer) {
    const found = transfer.assessment ? transfer.assessment.reasons : [];
    return el("ul", { class: "prose" },
              found.map((r) => el("li", {}, r.reason + " (" + r.points + ")")));
  }

  async function decide(transfer, verdict) {
    Vaani.clearMessages();
    try {
      const settled = await json("POST", API + "/operator/review/" + transfer.transfer_id + "/" +
                                 verdict);
      await showReview();
      say("Transfer of " + money(settled.amount) + " to " + settled.to_account_number + " " +
          (verdict === "approve" ? "approved" : "rejected") + ": " +
          settled.status.replace(/_/g, " ") + ".");
    } catch (error) { Vaani.sayError(error); }
  }

  async function showReview() {
    const queue = (await json("GET", API + "/operator/review?limit=50")).items;
    document.getElementById("review-list").replaceChildren(queue.length
      ? table("Held transfers, oldest first",
        ["Held at", "From", "To", "Amount", "Decision", "Score", "Why"], queue.map((t) => [
          when(t.created_at), t.from_account_number, t.to_account_number, money(t.amount),
          el("span", { class: "actions" },
            el("button", { type: "button", class: "secondary", onclick: () => decide(t, "approve"),
                           "aria-label": "Approve " + money(t.amount) + " to " +
                                         t.to_account_number }, "Approve"),
            el("button", { type: "button", class: "secondary", onclick: () => decide(t, "reject"),
                           "aria-label": "Reject " + money(t.amount) + " to " +
                                         t.to_account_number }, "Reject")),
          t.assessment ? String(t.assessment.score) : "", reasons(t)]))
      : el("p", {}, "Nothing is waiting for review."));
  }

  async function showDisputes() {
    const cases = (await json("GET", API + "/operator/disputes?limit=50")).items;
    document.getElementById("disputes-list").replaceChildren(cases.length
      ? table("Disputes by deadline, soonest first",
        ["Opened", "Reason", "Description", "Status", "Due by", "Overdue"], cases.map((d) => [
          when(d.opened_at), d.reason.replace(/_/g, " "),
          el("span", { class: "prose" }, d.description),
          d.status.replace(/_/g, " "), when(d.due_by), d.overdue ? "Yes" : "No"]))
      : el("p", {}, "No disputes are open."));
  }

  const ROUTES = { review: showReview, disputes: showDisputes };

  const route = Vaani.router(ROUTES, "review", show, () => {
    const said = notice;
    notice = null;
    return said;
  });

  document.getElementById("sign-out").addEventListener("click", async () => {
    try { notice = await Vaani.signOut(); } catch (error) { Vaani.sayError(error); return; }
    signedOut();
  });

  window.addEventListener("hashchange", route);
  route();
})();
