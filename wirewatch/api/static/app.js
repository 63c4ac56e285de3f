// wirewatch page behaviour: open a story in place, and keep the list live from /events (SSE).
// Everything inserted comes from the server as escaped HTML fragments; event data is only ever
// used as ids and types, never as markup.
(function () {
  "use strict";
  var list = document.getElementById("stories");
  var live = document.getElementById("live");

  function localTimes(root) {
    root.querySelectorAll("time[datetime]").forEach(function (el) {
      var d = new Date(el.getAttribute("datetime"));
      if (!isNaN(d)) el.title = d.toLocaleString();
    });
  }

  function openStory(card, link) {
    var slot = card.querySelector(".detail-slot");
    if (!slot) return false;
    if (card.classList.contains("open")) {
      card.classList.remove("open");
      slot.innerHTML = "";
      return true;
    }
    card.classList.add("open", "loading");
    var url = link.getAttribute("href");
    fetch(url + (url.indexOf("?") < 0 ? "?" : "&") + "partial=1", { headers: { Accept: "text/html" } })
      .then(function (r) { if (!r.ok) throw new Error(r.status); return r.text(); })
      .then(function (html) { slot.innerHTML = html; localTimes(slot); })
      .catch(function () { window.location.href = url; })
      .finally(function () { card.classList.remove("loading"); });
    return true;
  }

  document.addEventListener("click", function (ev) {
    var link = ev.target.closest ? ev.target.closest("a.open") : null;
    if (!link || ev.metaKey || ev.ctrlKey || ev.shiftKey || ev.button !== 0) return;
    var card = link.closest(".card");
    if (card && openStory(card, link)) ev.preventDefault();
  });

  localTimes(document);
  if (!list || list.dataset.live !== "on" || !window.EventSource) return;

  var topic = list.dataset.topic || "";
  var pending = {};

  function cardUrl(id) {
    var url = list.dataset.card.replace("STORY", encodeURIComponent(id));
    return topic ? url + "?topic=" + encodeURIComponent(topic) : url;
  }

  function refresh(id) {
    fetch(cardUrl(id), { headers: { Accept: "text/html" } })
      .then(function (r) { return r.status === 200 ? r.text() : null; })
      .then(function (html) {
        if (!html) return;
        var tpl = document.createElement("template");
        tpl.innerHTML = html.trim();
        var card = tpl.content.firstElementChild;
        if (!card) return;
        var old = document.getElementById(card.id);
        if (old) {
          if (old.classList.contains("open")) {
            var slot = old.querySelector(".detail-slot");
            card.querySelector(".detail-slot").replaceWith(slot);
            card.classList.add("open");
          }
          old.remove();
        }
        var empty = list.querySelector(".notice.empty");
        if (empty) empty.remove();
        card.classList.add("fresh");
        localTimes(card);
        list.insertBefore(card, list.firstElementChild);
      })
      .catch(function () {});
  }

  function schedule(id) {
    if (!id || pending[id]) return;
    // Several events of one ingest arrive together: fetch the card once.
    pending[id] = setTimeout(function () { delete pending[id]; refresh(id); }, 300);
  }

  var types = "story.created,story.updated,story.merged";
  var es = new EventSource(list.dataset.events + "?types=" + types);
  es.onopen = function () { live.hidden = false; live.classList.add("on"); };
  es.onerror = function () { live.classList.remove("on"); };
  function onEvent(ev) {
    var data;
    try { data = JSON.parse(ev.data); } catch (e) { return; }
    if (data.merged) {
      data.merged.split(" ").forEach(function (gone) {
        var el = gone && document.getElementById("story-" + gone);
        if (el) el.remove();
      });
    }
    schedule(data.story);
  }
  ["story.created", "story.updated", "story.merged"].forEach(function (t) { es.addEventListener(t, onEvent); });
})();
