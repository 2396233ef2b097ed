// Two small helpers for every page, from a static file (the Content-Security-Policy allows no
// inline script). Without script the page still works: the menu simply stays open.

// 1. The header menu folds behind a "Menu" button on narrow screens (WCAG 1.4.10 reflow).
document.addEventListener("DOMContentLoaded", function () {
  var toggle = document.querySelector(".menu-toggle");
  var header = document.querySelector(".site-header");
  if (!toggle || !header) {
    return;
  }
  toggle.hidden = false;
  header.classList.add("menu-ready");
  toggle.addEventListener("click", function () {
    var open = toggle.getAttribute("aria-expanded") === "true";
    toggle.setAttribute("aria-expanded", open ? "false" : "true");
  });
});

// 2. What an HTMX update says ("Saved.") is read out by screen readers: the swapped-in
// content's [role=status] texts go to the page's live region (content swapped in is not
// announced by itself; errors come as role=alert, which is).
document.addEventListener("htmx:afterSwap", function (event) {
  var region = document.getElementById("live-region");
  var target = event.detail && event.detail.target;
  if (!region || !target) {
    return;
  }
  var swapped = target.isConnected ? target : document.getElementById(target.id);
  var messages = [];
  if (swapped) {
    swapped.querySelectorAll("[role=status]").forEach(function (element) {
      messages.push(element.textContent.trim());
    });
  }
  region.textContent = "";
  window.setTimeout(function () {
    region.textContent = messages.join(" ");
  }, 50);
  // The keyboard focus was on the replaced content (its Save button): put it back there, or on
  // the error summary, so a keyboard user does not start again from the top of the page.
  if (swapped && focusWasInside) {
    var alert = swapped.querySelector("[role=alert]");
    var next = alert || swapped.querySelector("button[type=submit]") || swapped;
    if (next === alert || next === swapped) {
      next.setAttribute("tabindex", "-1");
    }
    next.focus();
  }
  focusWasInside = false;
});

var focusWasInside = false;
document.addEventListener("htmx:beforeSwap", function (event) {
  var target = event.detail && event.detail.target;
  focusWasInside = Boolean(target && target.contains(document.activeElement));
});

// 3. A table wider than its place scrolls inside its own box instead of making the page scroll
// sideways (WCAG 1.4.10). The box is a region named by the table's caption (or the heading
// before it), and while it scrolls it takes the keyboard focus, so it can be scrolled with the
// arrow keys.
function labelOf(table) {
  var caption = table.querySelector("caption");
  if (caption && caption.textContent.trim()) {
    return caption.textContent.trim();
  }
  var element = table;
  while (element && element !== document.body) {
    var previous = element.previousElementSibling;
    while (previous) {
      if (/^H[1-6]$/.test(previous.tagName)) {
        return previous.textContent.trim();
      }
      var inner = previous.querySelector && previous.querySelector("h1, h2, h3, h4");
      if (inner) {
        return inner.textContent.trim();
      }
      previous = previous.previousElementSibling;
    }
    element = element.parentElement;
  }
  return document.body.getAttribute("data-table-label") || "Table";
}

function wrapTables(root) {
  var tables = (root || document).querySelectorAll("main table");
  tables.forEach(function (table) {
    var parent = table.parentElement;
    if (!parent || parent.classList.contains("table-scroll") || parent.classList.contains("forecast-scroll")) {
      return;
    }
    var box = document.createElement("div");
    box.className = "table-scroll";
    box.setAttribute("role", "region");
    box.setAttribute("aria-label", labelOf(table));
    parent.insertBefore(box, table);
    box.appendChild(table);
  });
  markScrolling();
}

function markScrolling() {
  document.querySelectorAll(".table-scroll, .forecast-scroll, .chart-scroll").forEach(function (box) {
    if (box.scrollWidth > box.clientWidth + 1) {
      box.setAttribute("tabindex", "0");
    } else if (!box.hasAttribute("data-always-focusable")) {
      box.removeAttribute("tabindex");
    }
  });
}

document.addEventListener("DOMContentLoaded", function () { wrapTables(document); });
document.addEventListener("htmx:load", function (event) { wrapTables(event.target); });
window.addEventListener("resize", markScrolling);
