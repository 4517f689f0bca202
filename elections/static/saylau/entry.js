// Protocol entry: the control relations and warnings, shown while the clerk types.
//
// The relations and their translated messages come from the server (elections/live_checks.py,
// in the page as a JSON script element); this script only evaluates them and fills in the
// numbers. The server checks everything again on saving: it stays the judge.
(function () {
  "use strict";
  var source = document.getElementById("entry-checks");
  var panel = document.getElementById("live-checks");
  if (!source || !panel) {
    return;
  }
  var spec = JSON.parse(source.textContent);
  var form = panel.closest("form");
  var lists = {
    error: panel.querySelector("[data-kind=error]"),
    warning: panel.querySelector("[data-kind=warning]"),
  };
  var allHold = panel.querySelector("[data-kind=ok]");

  function typed(name) {
    var input = document.getElementById("id_" + name);
    var text = input ? input.value.trim() : "";
    return /^[0-9]+$/.test(text) ? parseInt(text, 10) : null;
  }

  // An expression's value, or null while a line it needs is empty or not a whole number.
  function value(expr) {
    if (typeof expr === "number") {
      return expr;
    }
    if (typeof expr === "string") {
      return typed(expr);
    }
    var args = expr.slice(1).map(value);
    if (args.indexOf(null) !== -1) {
      return null;
    }
    switch (expr[0]) {
      case "+":
        return args.reduce(function (a, b) { return a + b; }, 0);
      case "-":
        return args[0] - args[1];
      case "*":
        return args[0] * args[1];
      case "abs":
        return Math.abs(args[0]);
      case "ne":
        return args[0] !== args[1];
      case "gt":
        return args[0] > args[1];
      case "ge":
        return args[0] >= args[1];
      case "and":
        return args.every(Boolean);
    }
    throw new Error("unknown operation " + expr[0]);
  }

  function grouped(number) {
    return String(number).replace(/\B(?=(\d{3})+(?!\d))/g, spec.thousands);
  }

  // 100·part/whole to one decimal, a tie to the even digit as Python's Decimal rounds it
  // (21 of 400 is 5.2 there; toFixed would print 5.3).
  function share(part, whole) {
    var tenths = Math.floor(1000 * part / whole);
    var rest = 1000 * part - tenths * whole;
    if (2 * rest > whole || (2 * rest === whole && tenths % 2 === 1)) {
      tenths += 1;
    }
    return Math.floor(tenths / 10) + "." + (tenths % 10);
  }

  function printed(expr) {
    if (Array.isArray(expr) && expr[0] === "text") {
      return expr[1];
    }
    if (Array.isArray(expr) && expr[0] === "share") {
      return share(value(expr[1]), value(expr[2]));
    }
    if (Array.isArray(expr) && expr[0] === "join") {
      return expr.slice(1).map(function (e) { return grouped(value(e)); }).join(" + ");
    }
    return grouped(value(expr));
  }

  // Python's "%(name)s" placeholders and "%%", as the server's gettext left them.
  function message(relation) {
    return relation.message.replace(/%\((\w+)\)s|%%/g, function (all, name) {
      return name ? printed(relation.values[name]) : "%";
    });
  }

  function row(name) {
    var input = document.getElementById("id_" + name);
    return input ? input.closest(".entry-row") : null;
  }

  function update() {
    var found = { error: [], warning: [] };
    var pending = false;
    spec.relations.forEach(function (relation) {
      var fails = value(relation.when);
      if (fails === null) {
        pending = true;
      } else if (fails) {
        found[relation.kind].push(relation);
      }
    });
    spec.relations.forEach(function (relation) {
      var line = row(relation.field);
      if (line) {
        line.classList.remove("fails", "warns");
      }
    });
    Object.keys(lists).forEach(function (kind) {
      var list = lists[kind];
      list.querySelector("ul").replaceChildren.apply(
        list.querySelector("ul"),
        found[kind].map(function (relation) {
          var item = document.createElement("li");
          item.dataset.code = relation.code;
          item.textContent = message(relation);
          var line = row(relation.field);
          if (line) {
            line.classList.add(kind === "error" ? "fails" : "warns");
          }
          return item;
        })
      );
      list.hidden = found[kind].length === 0;
    });
    allHold.hidden = pending || found.error.length + found.warning.length > 0;
  }

  form.addEventListener("input", update);
  update();
})();
