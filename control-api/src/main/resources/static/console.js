// The Tenantry admin console: GraphQL for reads and writes, /ws/provisioning for live progress.
(() => {
  const state = { token: sessionStorage.getItem("tenantry-token"), tenants: new Map(), selected: null, socket: null, backups: new Map(),
    rollouts: new Map(), selectedRollout: null };
  const $ = (id) => document.getElementById(id);

  async function graphql(query, variables = {}) {
    const response = await fetch("/graphql", {
      method: "POST",
      headers: { "Content-Type": "application/json", Authorization: "Bearer " + state.token },
      body: JSON.stringify({ query, variables }),
    });
    if (response.status === 401 || response.status === 403) {
      throw Object.assign(new Error(response.status === 401 ? "The token was refused." : "This token may not do that."), { status: response.status });
    }
    const body = await response.json();
    if (body.errors && body.errors.length) {
      const error = new Error(body.errors[0].message);
      error.extensions = body.errors[0].extensions || {};
      throw error;
    }
    return body.data;
  }

  const TENANT_FIELDS = `name displayName plan phase namespace suspended ingressHost deleting resourceVersion image rollout
    conditions { type status reason message } provisioning { currentStep completedSteps totalSteps }
    endpoints { rest graphql grpc websocket }
    hibernation { idleAfter lastActivity hibernatedAt reason scheduledUntil lastWakeAt lastWakeDurationMs lastWakeTrigger }`;

  const ROLLOUT_FIELDS = `name image phase currentWave selected updated failed message paused aborted plans createdAt
    resourceVersion waves { name size total updated ready failed } failures { tenant wave reason } pinned`;

  function showSignedIn(signedIn) {
    $("sign-in").hidden = signedIn;
    $("app").hidden = !signedIn;
    $("sign-out").hidden = !signedIn;
  }

  async function signIn(token) {
    state.token = token.trim();
    const data = await graphql(`{ plans { name description } tenants(first: 500) { items { ${TENANT_FIELDS} } }
      rollouts { ${ROLLOUT_FIELDS} } }`);
    sessionStorage.setItem("tenantry-token", state.token);
    showSignedIn(true);
    const payload = JSON.parse(atob(state.token.split(".")[1].replace(/-/g, "+").replace(/_/g, "/")));
    $("who").textContent = (payload.sub || "admin") + " · " + (payload.roles || []).join(", ");
    fillPlans(data.plans);
    state.tenants = new Map(data.tenants.items.map((t) => [t.name, t]));
    state.rollouts = new Map(data.rollouts.map((r) => [r.name, r]));
    render();
    renderRollouts();
    connect();
  }

  function fillPlans(plans) {
    const create = document.querySelector("#create-form select[name=plan]");
    const filter = $("plan-filter");
    create.innerHTML = plans.map((p) => `<option value="${p.name}">${p.name}</option>`).join("");
    document.querySelector("#rollout-form select[name=plan]").innerHTML = `<option value="">Every plan</option>`
      + plans.map((p) => `<option value="${p.name}">${p.name}</option>`).join("");
    filter.innerHTML = `<option value="">All plans</option>` + plans.map((p) => `<option>${p.name}</option>`).join("");
  }

  function progressOf(t) {
    const p = t.provisioning || { completedSteps: 0, totalSteps: 5 };
    return Math.round((100 * p.completedSteps) / (p.totalSteps || 5));
  }

  // a fleet's snapshot arrives as one socket message per tenant: rendering the whole table for
  // each made signing in to 1,000 tenants take a minute (docs/benchmarks.md), so updates that
  // arrive together are rendered once
  let renderScheduled = false;
  function scheduleRender() {
    if (renderScheduled) return;
    renderScheduled = true;
    setTimeout(() => {
      renderScheduled = false;
      render();
    }, 50);
  }

  // more rows than this are not read by anyone; the search and filters narrow the rest
  const MAX_ROWS = 500;

  function render() {
    const search = $("search").value.toLowerCase();
    const phase = $("phase-filter").value;
    const plan = $("plan-filter").value;
    const matching = [...state.tenants.values()]
      .filter((t) => (!search || t.name.includes(search) || (t.displayName || "").toLowerCase().includes(search))
        && (!phase || t.phase === phase) && (!plan || t.plan === plan))
      .sort((a, b) => a.name.localeCompare(b.name));
    const rows = matching.slice(0, MAX_ROWS);
    $("shown").hidden = matching.length <= MAX_ROWS;
    $("shown").textContent = `Showing ${rows.length} of ${matching.length} tenants: search or filter to narrow.`;
    $("tenants").querySelector("tbody").innerHTML = rows.map((t) => `
      <tr data-name="${t.name}" class="${t.name === state.selected ? "selected" : ""}">
        <td><strong>${t.name}</strong><br><span class="muted">${t.displayName || ""}</span></td>
        <td>${t.plan}</td>
        <td><span class="badge ${t.phase}" data-testid="phase">${t.phase}</span></td>
        <td><div class="progress"><div class="bar ${progressOf(t) === 100 ? "done" : ""}" data-testid="progress"
             style="width:${progressOf(t)}%"></div></div></td>
      </tr>`).join("");
    $("empty").hidden = rows.length > 0;
    renderFleet();
    renderDetail();
  }

  // counts follow the live feed; the memory sleep frees needs the plans' requests, so it is
  // asked of the control API, at most every few seconds
  function renderFleet() {
    const all = [...state.tenants.values()];
    const count = (phase) => all.filter((t) => t.phase === phase).length;
    const hibernated = count("Hibernated");
    const freed = state.fleetFreedBytes == null ? "" : ` · ${Math.round(state.fleetFreedBytes / 1048576)} MiB of runtime memory requests freed by sleep`;
    $("fleet").textContent = `${all.length} tenants · ${count("Ready")} ready · ${hibernated} hibernated`
      + ` · ${count("Suspended")} suspended${freed}`;
    if (hibernated !== state.fleetAskedAt && !state.fleetAsking) {
      state.fleetAsking = true;
      state.fleetAskedAt = hibernated; // asked again when the count the console sees changes
      setTimeout(async () => {
        try {
          const data = await graphql(`{ fleet { memoryRequestsFreedBytes } }`);
          state.fleetFreedBytes = data.fleet.memoryRequestsFreedBytes;
        } catch (e) {
          // the next change asks again
        } finally {
          state.fleetAsking = false;
          renderFleet();
        }
      }, 1000);
    }
  }

  function renderDetail() {
    const t = state.tenants.get(state.selected);
    $("detail").hidden = !t;
    if (!t) return;
    $("detail-title").textContent = `${t.name} — ${t.phase}`;
    $("detail-bar").style.width = progressOf(t) + "%";
    $("detail-bar").className = "bar" + (progressOf(t) === 100 ? " done" : "");
    $("detail-step").textContent = (t.provisioning ? `${t.provisioning.completedSteps} of ${t.provisioning.totalSteps} steps · ${t.provisioning.currentStep || ""}` : "")
      + (t.image ? ` · runs ${t.image}` + (t.rollout ? ` (rollout ${t.rollout})` : "") : "");
    $("conditions").innerHTML = (t.conditions || []).map((c) =>
      `<li><strong>${c.type}</strong>: ${c.status}${c.reason ? " (" + c.reason + ")" : ""} <span class="muted">${c.message || ""}</span></li>`).join("");
    const e = t.endpoints || {};
    $("endpoints").innerHTML = ["rest", "graphql", "grpc", "websocket"].filter((k) => e[k])
      .map((k) => `<li>${k}: <code>${e[k]}</code></li>`).join("") || "<li class='muted'>none yet</li>";
    $("suspend").hidden = t.suspended;
    $("resume").hidden = !t.suspended;
    const h = t.hibernation;
    const asleep = !!(h && h.hibernatedAt);
    $("hibernate").hidden = t.suspended || asleep;
    $("wake").hidden = t.suspended || !asleep;
    $("hibernation").textContent = !h ? "never hibernates"
      : (asleep ? `asleep since ${new Date(h.hibernatedAt).toLocaleString()} (${h.reason})`
          + (h.scheduledUntil ? ` until ${new Date(h.scheduledUntil).toLocaleString()}` : "")
        : "awake" + (h.idleAfter ? `; hibernates after ${h.idleAfter} without a call` : ""))
      + (h && h.lastWakeAt ? ` · last wake ${new Date(h.lastWakeAt).toLocaleString()} by ${h.lastWakeTrigger}`
          + (h.lastWakeDurationMs != null ? ` in ${(h.lastWakeDurationMs / 1000).toFixed(1)} s` : " (starting)") : "");
  }

  // live, from the tenant's runtime: a runtime that cannot answer shows why, nothing else breaks
  async function loadUsage(name) {
    $("usage").textContent = "asking the runtime…";
    try {
      const data = await graphql(`query($n: String!) { tenant(name: $n) { usage { projects tasks events liveSubscribers storageBytes lastActivity } } }`, { n: name });
      const u = data.tenant && data.tenant.usage;
      $("usage").textContent = u ? `${u.projects} projects · ${u.tasks} tasks · ${u.events} events · ${u.liveSubscribers} live subscribers · ${(u.storageBytes / 1048576).toFixed(1)} MiB stored${u.lastActivity ? ` · last active ${new Date(u.lastActivity).toLocaleString()}` : ""}` : "no answer";
    } catch (error) {
      $("usage").textContent = "unavailable: " + error.message;
    }
  }

  // ------------------------------------------------------------------ backups of the selected tenant

  const BACKUP_FIELDS = "name tenant phase sizeBytes eventPosition completedAt createdAt message";
  const bytes = (n) => n == null ? "" : n < 1048576 ? `${(n / 1024).toFixed(1)} KiB` : `${(n / 1048576).toFixed(1)} MiB`;
  const age = (at) => {
    if (!at) return "";
    const s = Math.max(0, Math.round((Date.now() - new Date(at).getTime()) / 1000));
    return s < 120 ? `${s}s` : s < 7200 ? `${Math.round(s / 60)}m` : s < 172800 ? `${Math.round(s / 3600)}h` : `${Math.round(s / 86400)}d`;
  };

  async function loadBackups(name) {
    const data = await graphql(`query($t: String) { backups(tenant: $t) { ${BACKUP_FIELDS} } }`, { t: name });
    state.backups = new Map(data.backups.map((b) => [b.name, b]));
    renderBackups();
  }

  function onBackupUpdate(update) {
    if (!state.backups) return;
    if (update.type === "backup-deleted") {
      state.backups.delete(update.backup);
    } else if (update.tenant === state.selected) {
      const current = state.backups.get(update.backup) || { name: update.backup, tenant: update.tenant };
      state.backups.set(update.backup, Object.assign({}, current, {
        phase: update.phase, sizeBytes: update.sizeBytes, eventPosition: update.eventPosition, message: update.message,
      }));
    }
    renderBackups();
  }

  function renderBackups() {
    const rows = [...(state.backups || new Map()).values()].filter((b) => b.tenant === state.selected)
      .sort((a, b) => String(b.createdAt || "").localeCompare(String(a.createdAt || "")));
    $("backups").querySelector("tbody").innerHTML = rows.map((b) => `
      <tr data-backup="${b.name}" title="${b.message || ""}">
        <td>${b.name}</td><td data-testid="backup-phase">${b.phase}</td><td>${bytes(b.sizeBytes)}</td>
        <td>${b.eventPosition == null ? "" : b.eventPosition}</td><td>${age(b.completedAt || b.createdAt)}</td>
        <td>${b.phase === "Completed" ? `<button data-restore="${b.name}">Restore</button>
          <button data-clone="${b.name}">Clone</button>` : ""}</td>
      </tr>`).join("");
    $("backups-empty").hidden = rows.length > 0;
  }

  $("backup-now").addEventListener("click", async () => {
    $("backup-error").textContent = "";
    try {
      const data = await graphql(`mutation($t: String!) { createBackup(input: {tenant: $t}) { ${BACKUP_FIELDS} } }`,
        { t: state.selected });
      state.backups.set(data.createBackup.name, data.createBackup);
      renderBackups();
    } catch (error) {
      $("backup-error").textContent = error.message;
    }
  });

  $("backups").addEventListener("click", async (event) => {
    const restore = event.target.dataset.restore;
    const clone = event.target.dataset.clone;
    if (!restore && !clone) return;
    $("backup-error").textContent = "";
    const target = clone ? $("clone-name").value.trim() : null;
    if (clone && !target) {
      $("backup-error").textContent = "name the new tenant in “clone to…” first";
      return;
    }
    if (restore && !confirm(`Restore ${state.selected} from ${restore}? Data written since is replaced.`)) return;
    try {
      const data = await graphql(`mutation($i: RestoreBackupInput!) { restoreBackup(input: $i) { name targetTenant } }`,
        { i: { backup: restore || clone, targetTenant: target } });
      $("backup-error").textContent = `restore ${data.restoreBackup.name} started`
        + (target ? `: the clone ${target} appears in the tenant list as it provisions` : "");
    } catch (error) {
      $("backup-error").textContent = error.message;
    }
  });

  async function loadEvents(name) {
    const data = await graphql(`query($n: String!) { tenant(name: $n) { events { type reason message time } } }`, { n: name });
    $("events").innerHTML = ((data.tenant && data.tenant.events) || [])
      .map((ev) => `<li>${ev.time || ""} <strong>${ev.reason}</strong> ${ev.message || ""}</li>`).join("") || "<li class='muted'>none</li>";
  }

  function connect() {
    if (state.socket) state.socket.close();
    const scheme = location.protocol === "https:" ? "wss" : "ws";
    const socket = new WebSocket(`${scheme}://${location.host}/ws/provisioning?access_token=${encodeURIComponent(state.token)}`);
    state.socket = socket;
    socket.onopen = () => $("live").classList.add("on");
    socket.onclose = (closed) => {
      $("live").classList.remove("on");
      if (closed.code === 4401 || closed.code === 4403) {
        // a token that expired or lost its role will not get better by retrying
        signOut("Signed out: " + closed.reason);
      } else if (state.socket === socket && state.token) {
        setTimeout(connect, 2000);
      }
    };
    socket.onmessage = (message) => {
      const update = JSON.parse(message.data);
      if (update.type === "heartbeat") return;
      if (update.type === "rollout" || update.type === "rollout-deleted") {
        onRolloutUpdate(update);
        return;
      }
      if (update.type === "backup" || update.type === "backup-deleted") {
        onBackupUpdate(update);
        return;
      }
      if (update.type === "restore" || update.type === "restore-deleted") {
        return;
      }
      if (update.type === "deleted") {
        state.tenants.delete(update.tenant);
      } else {
        const current = state.tenants.get(update.tenant) || { name: update.tenant, plan: "", endpoints: null };
        state.tenants.set(update.tenant, Object.assign({}, current, {
          phase: update.phase, conditions: update.conditions, resourceVersion: update.resourceVersion,
          provisioning: { currentStep: update.currentStep, completedSteps: update.completedSteps, totalSteps: update.totalSteps },
        }));
        // the feed carries phase and conditions; the open detail also shows hibernation, read afresh
        if (update.tenant === state.selected) refreshTenant(update.tenant).catch(() => {});
      }
      scheduleRender();
    };
  }

  // ------------------------------------------------------------------ rollouts

  function onRolloutUpdate(update) {
    if (update.type === "rollout-deleted") {
      state.rollouts.delete(update.rollout);
    } else {
      const current = state.rollouts.get(update.rollout) || { name: update.rollout };
      state.rollouts.set(update.rollout, Object.assign({}, current, {
        image: update.image, phase: update.phase, currentWave: update.currentWave, selected: update.selected,
        updated: update.updated, failed: update.failed, paused: update.paused, waves: update.waves,
        failures: update.failures, message: update.message, resourceVersion: update.resourceVersion,
      }));
    }
    renderRollouts();
  }

  const percent = (part, whole) => (whole ? Math.round((100 * part) / whole) : 0);
  const finished = (r) => ["Succeeded", "RolledBack", "Failed"].includes(r.phase);

  function renderRollouts() {
    const rows = [...state.rollouts.values()].sort((a, b) => String(b.createdAt || "").localeCompare(String(a.createdAt || "")));
    $("rollouts").querySelector("tbody").innerHTML = rows.map((r) => `
      <tr data-rollout="${r.name}" class="${r.name === state.selectedRollout ? "selected" : ""}">
        <td><strong>${r.name}</strong></td>
        <td><code>${r.image || ""}</code></td>
        <td><span class="badge ${r.phase}" data-testid="rollout-phase">${r.phase}</span></td>
        <td>${r.updated || 0} / ${r.selected || 0}</td>
      </tr>`).join("");
    $("no-rollouts").hidden = rows.length > 0;
    const r = state.rollouts.get(state.selectedRollout);
    $("rollout-detail").hidden = !r;
    if (!r) return;
    $("rollout-title").textContent = `${r.name} → ${r.image} — ${r.phase}`;
    $("rollout-message").textContent = r.message || "";
    $("waves").innerHTML = (r.waves || []).map((w) => `
      <div class="wave ${w.name === r.currentWave && !finished(r) ? "current" : ""}" data-wave="${w.name}">
        <strong>${w.name}</strong>
        <div class="progress"><div class="bar ${w.failed ? "failed" : w.total && w.ready === w.total ? "done" : ""}"
             data-testid="wave-bar" style="width:${percent(w.updated, w.total)}%"></div></div>
        <span class="muted" data-testid="wave-count">${w.updated}/${w.total} moved · ${w.ready} ready${w.failed ? " · " + w.failed + " failed" : ""}</span>
      </div>`).join("");
    $("rollout-failures").innerHTML = (r.failures || []).map((f) =>
      `<li><strong>${f.tenant}</strong> (${f.wave}): <span class="muted">${f.reason}</span></li>`).join("") || "<li class='muted'>none</li>";
    $("rollout-pinned").textContent = r.pinned && r.pinned.length ? "Pinned, left alone: " + r.pinned.join(", ") : "";
    $("rollout-pause").hidden = finished(r) || r.paused;
    $("rollout-resume").hidden = finished(r) || !r.paused;
    $("rollout-abort").hidden = r.phase === "Succeeded" || r.phase === "RolledBack" || r.phase === "RollingBack";
  }

  $("rollouts").addEventListener("click", async (event) => {
    const row = event.target.closest("tr[data-rollout]");
    if (!row) return;
    state.selectedRollout = row.dataset.rollout;
    renderRollouts();
    const data = await graphql(`query($n: String!) { rollout(name: $n) { ${ROLLOUT_FIELDS} } }`, { n: state.selectedRollout });
    if (data.rollout) state.rollouts.set(data.rollout.name, data.rollout);
    renderRollouts();
  });

  $("rollout-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const form = event.target;
    form.querySelectorAll(".field-error").forEach((el) => (el.textContent = ""));
    $("rollout-error").textContent = "";
    const input = { name: form.name.value.trim(), image: form.image.value.trim() };
    if (form.plan.value) input.plans = [form.plan.value];
    const waves = form.waves.value.split(",").map((w) => w.trim()).filter((w) => w);
    if (waves.length) input.waves = waves.map((tenants) => ({ tenants }));
    if (form.maxUnavailable.value.trim()) input.maxUnavailable = form.maxUnavailable.value.trim();
    const timeout = parseInt(form.readyTimeoutSeconds.value, 10);
    if (!Number.isNaN(timeout)) input.readyTimeoutSeconds = timeout;
    try {
      const data = await graphql(`mutation($i: CreateRolloutInput!) { createRollout(input: $i) { ${ROLLOUT_FIELDS} } }`, { i: input });
      state.rollouts.set(data.createRollout.name, Object.assign({}, state.rollouts.get(data.createRollout.name), data.createRollout));
      state.selectedRollout = data.createRollout.name;
      form.name.value = "";
      renderRollouts();
    } catch (error) {
      const field = error.extensions && error.extensions.field;
      const slot = field && form.querySelector(`.field-error[data-field="${field}"]`);
      if (slot) slot.textContent = error.message; else $("rollout-error").textContent = error.message;
    }
  });

  async function rolloutAction(mutation, confirmText) {
    const name = state.selectedRollout;
    if (!name || (confirmText && !confirm(confirmText.replace("%s", name)))) return;
    try {
      const data = await graphql(`mutation($n: String!) { ${mutation}(name: $n) { paused aborted } }`, { n: name });
      // progress comes from the live feed; the answer only says what was asked
      state.rollouts.set(name, Object.assign({}, state.rollouts.get(name), data[mutation]));
      renderRollouts();
    } catch (error) {
      alert(error.message);
    }
  }
  $("rollout-pause").addEventListener("click", () => rolloutAction("pauseRollout"));
  $("rollout-resume").addEventListener("click", () => rolloutAction("resumeRollout"));
  $("rollout-abort").addEventListener("click", () => rolloutAction("abortRollout",
    "Abort %s? Every tenant it moved goes back to its previous image."));

  async function refreshTenant(name) {
    const data = await graphql(`query($n: String!) { tenant(name: $n) { ${TENANT_FIELDS} } }`, { n: name });
    if (data.tenant) state.tenants.set(name, data.tenant);
    render();
  }

  $("sign-in-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    $("sign-in-error").textContent = "";
    try {
      await signIn($("token").value);
    } catch (error) {
      $("sign-in-error").textContent = error.message;
    }
  });

  function signOut(why) {
    sessionStorage.removeItem("tenantry-token");
    state.token = null;
    const socket = state.socket;
    state.socket = null;
    if (socket) socket.close();
    $("sign-in-error").textContent = why || "";
    showSignedIn(false);
  }

  $("sign-out").addEventListener("click", () => signOut());

  ["search", "phase-filter", "plan-filter"].forEach((id) => $(id).addEventListener("input", render));

  $("tenants").addEventListener("click", (event) => {
    const row = event.target.closest("tr[data-name]");
    if (!row) return;
    state.selected = row.dataset.name;
    render();
    refreshTenant(state.selected);
    loadEvents(state.selected);
    loadUsage(state.selected);
    loadBackups(state.selected).catch((error) => { $("backup-error").textContent = error.message; });
  });

  $("create-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const form = event.target;
    form.querySelectorAll(".field-error").forEach((el) => (el.textContent = ""));
    $("create-error").textContent = "";
    const input = { name: form.name.value.trim(), plan: form.plan.value };
    if (form.displayName.value.trim()) input.displayName = form.displayName.value.trim();
    if (form.owner.value.trim()) input.owners = [{ kind: "User", name: form.owner.value.trim() }];
    if (form.ingressHost.value.trim()) input.ingressHost = form.ingressHost.value.trim();
    if (form.storageType.value) input.storageType = form.storageType.value;
    try {
      const data = await graphql(`mutation($i: CreateTenantInput!) { createTenant(input: $i) { ${TENANT_FIELDS} } }`, { i: input });
      state.tenants.set(data.createTenant.name, data.createTenant);
      state.selected = data.createTenant.name;
      form.reset();
      render();
    } catch (error) {
      const field = error.extensions && error.extensions.field;
      const slot = field && form.querySelector(`.field-error[data-field="${field}"]`);
      if (slot) slot.textContent = error.message; else $("create-error").textContent = error.message;
    }
  });

  async function act(mutation, confirmText) {
    const name = state.selected;
    if (!name || (confirmText && !confirm(confirmText.replace("%s", name)))) return;
    try {
      await graphql(`mutation($n: String!) { ${mutation}(name: $n) { name } }`, { n: name });
      await refreshTenant(name);
    } catch (error) {
      alert(error.message);
    }
  }
  $("suspend").addEventListener("click", () => act("suspendTenant", "Suspend %s? Its runtime scales to zero; data is kept."));
  $("resume").addEventListener("click", () => act("resumeTenant"));
  $("hibernate").addEventListener("click", () => act("hibernateTenant", "Hibernate %s now? Its runtime scales to zero until a call or Wake brings it back."));
  $("wake").addEventListener("click", () => act("wakeTenant"));
  $("delete").addEventListener("click", () => act("deleteTenant", "Delete %s? Its namespace goes; its data follows its deletion policy."));

  $("token-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const form = event.target;
    try {
      const data = await graphql(`mutation($t: String!, $s: String!, $r: [String!]!, $ttl: String) {
        issueTenantToken(tenant: $t, subject: $s, roles: $r, ttl: $ttl) { token } }`,
        { t: state.selected, s: form.subject.value, r: [form.role.value], ttl: form.ttl.value });
      $("issued").hidden = false;
      $("issued").value = data.issueTenantToken.token;
    } catch (error) {
      alert(error.message);
    }
  });

  if (state.token) signIn(state.token).catch(() => showSignedIn(false)); else showSignedIn(false);
})();
