// appconfigd console: live updates of a deployment's page. The server
// sends a snapshot of the deployment (server-sent events) at once and
// whenever it changes; this script puts it in the page. Without it the
// page shows the deployment as it was when loaded.
"use strict";

(() => {
  const live = document.getElementById("deployment-live");
  if (!live || !window.EventSource) {
    return;
  }
  const byId = (id) => document.getElementById(id);

  const share = (fleet) => fleet.sessions > 0
    ? `${fleet.onVersion} of ${fleet.sessions} sessions (${fleet.percent}%) in the last minute hold this version`
    : "no sessions polled in the last minute";

  // cell is a table cell with text; with dateTime, the text is a time
  // (the server formats it as the page shows times).
  const cell = (label, text, dateTime) => {
    const td = document.createElement("td");
    td.dataset.label = label;
    if (dateTime) {
      const t = document.createElement("time");
      t.dateTime = dateTime;
      t.textContent = text;
      td.append(t);
    } else {
      td.textContent = text;
    }
    return td;
  };

  const show = (snap) => {
    const state = byId("deployment-state");
    state.textContent = snap.state;
    state.className = "badge " + snap.badge;
    const progress = byId("deployment-progress");
    progress.value = snap.percentage;
    progress.textContent = snap.percentage + "%";
    byId("deployment-percentage").textContent = snap.percentage;
    byId("deployment-fleet").textContent = share(snap.fleet);
    if (snap.completedAt) {
      byId("deployment-completed").textContent = snap.completedAt;
    }
    const stop = byId("deployment-stop");
    if (stop) {
      stop.hidden = !snap.canStop;
    }
    const revert = byId("deployment-revert");
    if (revert) {
      revert.hidden = !snap.canRevert;
    }
    const rows = snap.events.map((e) => {
      const tr = document.createElement("tr");
      tr.append(cell("Time", e.time, e.at), cell("Event", e.type), cell("By", e.triggeredBy), cell("Description", e.description));
      return tr;
    });
    byId("deployment-events").replaceChildren(...rows);
  };

  const source = new EventSource(live.dataset.events);
  source.onmessage = (message) => {
    const snap = JSON.parse(message.data);
    show(snap);
    if (snap.final) {
      // The server ends the stream after a final state; without this the
      // browser would reconnect.
      source.close();
    }
  };
  source.onerror = () => {
    // The browser retries a dropped stream by itself; a stream it gave
    // up on (refused, or the session ended) is said on the page.
    if (source.readyState === EventSource.CLOSED) {
      const failure = byId("deployment-failure");
      failure.textContent = "The live view stopped; reload the page to see the deployment.";
      failure.hidden = false;
    }
  };
  source.addEventListener("failure", (message) => {
    source.close();
    const failure = byId("deployment-failure");
    failure.textContent = JSON.parse(message.data);
    failure.hidden = false;
  });
})();
