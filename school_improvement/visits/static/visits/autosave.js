// Save a note of visit as the adviser types, and keep a copy on this device so a draft survives a
// lost connection. Without script the form's own Save button does the same job.
const form = document.querySelector("form[data-autosave-url]");

if (form) {
  const url = form.dataset.autosaveUrl;
  const key = form.dataset.autosaveKey;
  const status = document.querySelector("[data-autosave-status]");
  const serverSavedAt = Date.parse(form.dataset.savedAt || "") || 0;
  const csrf = form.querySelector("input[name=csrfmiddlewaretoken]").value;
  let timer = null;
  let dirty = false;
  let saving = false;

  const say = (text) => {
    if (status) status.textContent = text;
  };

  const fields = () =>
    Array.from(form.elements).filter((el) => el.name && !["hidden", "submit", "button"].includes(el.type));

  const snapshot = () => {
    const data = {};
    for (const el of fields()) {
      if (el.type === "checkbox" || el.type === "radio") data[`${el.name}::${el.value}`] = el.checked;
      else data[el.name] = el.value;
    }
    return data;
  };

  const restore = (data) => {
    let changed = false;
    for (const el of fields()) {
      if (el.type === "checkbox" || el.type === "radio") {
        const value = data[`${el.name}::${el.value}`];
        if (typeof value === "boolean" && value !== el.checked) {
          el.checked = value;
          changed = true;
        }
      } else if (typeof data[el.name] === "string" && data[el.name] !== el.value) {
        el.value = data[el.name];
        changed = true;
      }
    }
    return changed;
  };

  const keep = () => {
    try {
      localStorage.setItem(key, JSON.stringify({ at: Date.now(), data: snapshot() }));
    } catch (error) {
      // Storage full or refused: the server copy is all there is.
    }
  };

  const forget = () => {
    try {
      localStorage.removeItem(key);
    } catch (error) {
      // Nothing to forget.
    }
  };

  const schedule = (delay = 1200) => {
    window.clearTimeout(timer);
    timer = window.setTimeout(save, delay);
  };

  async function save() {
    if (saving) {
      schedule();
      return;
    }
    saving = true;
    dirty = false;
    say("Saving…");
    try {
      const response = await fetch(url, {
        method: "POST",
        body: new FormData(form),
        headers: { "X-CSRFToken": csrf, Accept: "application/json" },
        credentials: "same-origin",
      });
      const result = await response.json().catch(() => ({}));
      if (response.ok && result.saved) {
        if (!dirty) forget();
        say(`Draft saved at ${new Date(result.saved_at).toLocaleTimeString("en-GB")}.`);
      } else {
        keep();
        say(result.message || "The draft could not be saved. Your changes are kept on this device.");
      }
    } catch (error) {
      keep();
      say("Not saved: the connection seems to be lost. Your changes are kept on this device and will be saved when it returns.");
    } finally {
      saving = false;
      if (dirty) schedule();
    }
  }

  // A copy kept on this device that is newer than the server's draft: put it back and save it.
  let kept = null;
  try {
    kept = JSON.parse(localStorage.getItem(key) || "null");
  } catch (error) {
    kept = null;
  }
  if (kept && kept.at > serverSavedAt && restore(kept.data)) {
    say("Changes kept on this device since the last save have been restored.");
    dirty = true;
    schedule(300);
  } else if (kept) {
    forget();
  }

  const changed = () => {
    dirty = true;
    keep();
    schedule();
  };
  form.addEventListener("input", changed);
  form.addEventListener("change", changed);
  window.addEventListener("online", () => {
    if (localStorage.getItem(key)) schedule(0);
  });
  form.dataset.autosaveReady = "true";
}
