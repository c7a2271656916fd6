// isptool report pages: the hover/click panel. Elements with data-info="KEY" show the fields stored
// under KEY in the page's JSON (script#page-info); hover shows them, click pins them until closed.
(function () {
  "use strict";
  var info = JSON.parse(document.getElementById("page-info").textContent);
  var panel = document.getElementById("info");
  var body = document.getElementById("info-body");
  var pinned = null;

  function cell(tag, text) {
    var e = document.createElement(tag);
    e.textContent = text;
    return e;
  }

  function show(key) {
    var fields = info[key];
    if (!fields) { return; }
    body.textContent = "";
    body.appendChild(cell("h4", fields.title !== undefined ? fields.title : key));
    var table = document.createElement("table");
    Object.keys(fields).forEach(function (name) {
      if (name === "title") { return; }
      var v = fields[name];
      var row = document.createElement("tr");
      row.appendChild(cell("td", name));
      row.appendChild(cell("td", Array.isArray(v) ? v.join(", ") : String(v)));
      table.appendChild(row);
    });
    body.appendChild(table);
    panel.hidden = false;
  }

  function target(event) {
    var e = event.target;
    return e && e.closest ? e.closest("[data-info]") : null;
  }

  document.addEventListener("mouseover", function (event) {
    var t = target(event);
    if (t && !pinned) { show(t.getAttribute("data-info")); }
  });
  document.addEventListener("mouseout", function (event) {
    if (!pinned && target(event)) { panel.hidden = true; }
  });
  document.addEventListener("click", function (event) {
    var t = target(event);
    if (!t) { return; }
    if (pinned) { pinned.classList.remove("selected"); }
    pinned = t;
    t.classList.add("selected");
    panel.classList.add("pinned");
    show(t.getAttribute("data-info"));
  });
  document.getElementById("info-close").addEventListener("click", function () {
    if (pinned) { pinned.classList.remove("selected"); }
    pinned = null;
    panel.classList.remove("pinned");
    panel.hidden = true;
  });
}());
