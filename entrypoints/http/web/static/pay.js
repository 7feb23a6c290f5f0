/* Sending money (with the step-up answer when a payment is held), payees, and the customer's
   sessions and devices. */
"use strict";

const Pay = (() => {
  const { json, el, money, when, say, handle, table, newKey } = Vaani;
  const API = "/api/v1";
  let held = null;  // the transfer waiting for its PIN or code

  function accountOptions(select, items) {
    const chosen = select.value;
    select.replaceChildren(...items.map((a) => el("option", { value: a.account_number },
      a.account_number + " · " + a.account_type + " · " + money(a.available_balance))));
    if (chosen) select.value = chosen;
  }

  async function balancesMoved() {  // the list shows what is available now
    accountOptions(document.getElementById("transfer-from"),
                   (await json("GET", API + "/accounts")).items);
  }

  async function showTransfer(items) {
    accountOptions(document.getElementById("transfer-from"), items);
    const payees = (await json("GET", API + "/beneficiaries")).items;
    document.getElementById("transfer-payee").replaceChildren(
      el("option", { value: "" }, "None: I will type an account number"),
      ...payees.map((b) => el("option", { value: b.id },
        b.name + " · " + (b.account_number || b.upi_id))));
    document.getElementById("challenge-form").hidden = held === null;
    document.getElementById("transfer-form").hidden = held !== null;
  }

  function outcome(transfer) {
    const amount = money(transfer.amount);
    if (transfer.status === "completed") return "Sent " + amount + ". The payment is complete.";
    if (transfer.status === "pending_review") {
      return amount + " is held for a review by the bank; you will hear from us.";
    }
    return "The payment of " + amount + " is " + transfer.status.replace(/_/g, " ") + ".";
  }

  handle(document.getElementById("transfer-form"), async (data) => {
    const body = { amount: { amount: data.get("amount").trim(), currency: "INR" } };
    const payee = data.get("beneficiary_id");
    const typed = data.get("to_account_number").trim();
    if (payee && typed) {
      throw new Vaani.ApiError(0, "validation_error",
                               "Choose a saved payee or type an account number, not both.");
    }
    if (payee) body.beneficiary_id = payee;
    else body.to_account_number = typed;
    const description = data.get("description").trim();
    if (description) body.description = description;
    const transfer = await json("POST", API + "/accounts/" + data.get("from") + "/transfer",
                                body, { "Idempotency-Key": newKey() });
    if (transfer.status !== "challenge_required") {
      document.getElementById("transfer-form").reset();
      await balancesMoved();
      say(outcome(transfer));
      return;
    }
    held = transfer;
    document.getElementById("challenge-text").textContent = "To send " +
      money(transfer.amount) + " to " + transfer.to_account_number + ", the bank asks you to " +
      "confirm with your UPI PIN or an authenticator code before " +
      when(transfer.challenge.expires_at) + ". The money is set aside meanwhile.";
    document.getElementById("transfer-form").hidden = true;
    document.getElementById("challenge-form").hidden = false;
    document.getElementById("challenge-title").focus();
  });

  function settled() {
    held = null;
    const form = document.getElementById("challenge-form");
    form.reset();
    form.hidden = true;
    document.getElementById("transfer-form").reset();
    document.getElementById("transfer-form").hidden = false;
  }

  handle(document.getElementById("challenge-form"), async (data) => {
    const path = API + "/transfers/" + held.transfer_id;
    let transfer;
    try {
      transfer = await json("POST", path + "/challenge",
                            { [data.get("method")]: data.get("answer").trim() });
    } catch (error) {
      // A wrong answer may have ended the hold: then there is nothing left to answer.
      const now = await json("GET", path).catch(() => null);
      if (!now || now.status !== "challenge_required") settled();
      throw error;
    }
    settled();
    await balancesMoved();
    say(outcome(transfer));
  });

  async function showBeneficiaries() {
    const payees = (await json("GET", API + "/beneficiaries")).items;
    document.getElementById("beneficiaries-list").replaceChildren(payees.length
      ? table("Saved payees", ["Name", "Account or UPI id", "IFSC", ""], payees.map((b) => [
        b.name, b.account_number || b.upi_id, b.ifsc || "",
        el("button", { type: "button", class: "secondary", "aria-label": "Remove " + b.name,
                       onclick: () => remove("/beneficiaries/" + b.id, b.name + " removed.",
                                             showBeneficiaries) }, "Remove")]))
      : el("p", {}, "No saved payees yet."));
  }

  handle(document.getElementById("beneficiary-form"), async (data) => {
    const body = { name: data.get("name").trim() };
    for (const key of ["account_number", "ifsc", "upi_id"]) {
      const value = data.get(key).trim();
      if (value) body[key] = key === "ifsc" ? value.toUpperCase() : value;
    }
    const added = await json("POST", API + "/beneficiaries", body);
    document.getElementById("beneficiary-form").reset();
    await showBeneficiaries();
    say(added.name + " is saved as a payee.");
  });

  async function remove(path, done, then) {
    Vaani.clearMessages();
    try {
      await json("DELETE", API + path);
      await then();
      say(done);
    } catch (error) { Vaani.sayError(error); }
  }

  async function showSecurity() {
    const [sessions, devices] = await Promise.all([json("GET", API + "/auth/sessions"),
                                                   json("GET", API + "/device-bindings")]);
    document.getElementById("sessions-list").replaceChildren(table("Signed-in sessions",
      ["Started", "Last seen", "From", ""], sessions.items.map((s) => [
        when(s.created_at), when(s.last_seen_at), s.ip || "unknown",
        s.current ? "This session" : el("button", { type: "button", class: "secondary",
          "aria-label": "End the session started " + when(s.created_at),
          onclick: () => remove("/auth/sessions/" + s.id, "Session ended.", showSecurity) },
          "End")])));
    const bound = devices.items.filter((d) => !d.revoked_at);
    document.getElementById("devices-list").replaceChildren(bound.length
      ? table("Bound devices", ["Device", "Platform", "Trust", "Last seen", ""], bound.map((d) => [
        d.label || d.identifier, d.platform || "", d.trust, when(d.last_seen_at),
        el("button", { type: "button", class: "secondary",
                       "aria-label": "Revoke " + (d.label || d.identifier),
                       onclick: () => remove("/device-bindings/" + d.id, "Device revoked.",
                                             showSecurity) }, "Revoke")]))
      : el("p", {}, "No devices are bound to your login."));
  }

  document.getElementById("sign-out-everywhere").addEventListener("click", async () => {
    try {
      await json("DELETE", API + "/auth/sessions");
      await Vaani.call("POST", "/app/session/logout");  // clears this browser's cookies
    } catch (_) { /* this session ended too */ }
    Vaani.onSignedOut();
  });

  return { showTransfer, showBeneficiaries, showSecurity };
})();
