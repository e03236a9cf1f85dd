/* Offline search for the static mirror (samizdat). A classic script, no fetch, no modules:
   it works from file://. The index is window.SAMIZDAT_INDEX, loaded just before this file
   (built by samizdat/mirror/searchindex.py; the normalisation below must match it). */
(function () {
  "use strict";

  var index = window.SAMIZDAT_INDEX;
  var form = document.querySelector(".mirror-search-form");
  var input = document.getElementById("mirror-q");
  var status = document.getElementById("mirror-search-status");
  var list = document.getElementById("mirror-search-results");
  var help = document.getElementById("mirror-search-help");
  var MAX_RESULTS = 100;
  if (!index || !form || !input || !status || !list) {
    return;
  }
  form.hidden = false;
  if (help) {
    help.hidden = true;
  }

  function normalise(text) {
    return text.normalize("NFC").toLowerCase().replace(/ё/g, "е");
  }

  function words(text) {
    var found = normalise(text).match(/[\p{L}\p{N}]+/gu) || [];
    var seen = {};
    return found.filter(function (w) {
      var keep = (w.length > 1 || /^\p{N}+$/u.test(w)) && !seen[w];
      seen[w] = true;
      return keep;
    });
  }

  // Long words match by their stem-like start, so Russian and Kazakh endings still match:
  // "заявления" looks for words starting with "заявлен".
  function prefixOf(word) {
    return word.length > 4 ? word.slice(0, Math.max(4, word.length - 2)) : word;
  }

  function lowerBound(terms, key) {
    var lo = 0;
    var hi = terms.length;
    while (lo < hi) {
      var mid = (lo + hi) >>> 1;
      if (terms[mid] < key) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }

  var decoded = {};
  function postings(i) {
    if (!decoded[i]) {
      var last = 0;
      decoded[i] = index.post[i].split(",").map(function (part) {
        last += parseInt(part, 10);
        return last;
      });
    }
    return decoded[i];
  }

  // doc id → score for one query word: exact word 3, longer word 2, same stem 1.
  function matchWord(word) {
    var scores = {};
    var stem = prefixOf(word);
    for (var i = lowerBound(index.terms, stem); i < index.terms.length; i++) {
      var term = index.terms[i];
      if (term.slice(0, stem.length) !== stem) {
        break;
      }
      var score = term === word ? 3 : term.slice(0, word.length) === word ? 2 : 1;
      postings(i).forEach(function (doc) {
        scores[doc] = Math.max(scores[doc] || 0, score);
      });
    }
    return scores;
  }

  function search(query) {
    var ws = words(query);
    var total = null;
    ws.forEach(function (word) {
      var scores = matchWord(word);
      if (total === null) {
        total = scores;
        return;
      }
      var both = {};
      Object.keys(total).forEach(function (doc) {
        if (scores[doc]) {
          both[doc] = total[doc] + scores[doc];
        }
      });
      total = both;
    });
    var results = Object.keys(total || {}).map(function (doc) {
      var title = normalise(index.docs[doc][1]);
      var bonus = ws.filter(function (w) {
        return title.indexOf(prefixOf(w)) >= 0;
      }).length;
      return { doc: Number(doc), score: total[doc] + 2 * bonus };
    });
    results.sort(function (a, b) {
      return b.score - a.score || a.doc - b.doc;
    });
    return { words: ws, results: results };
  }

  function message(name, n) {
    return (status.getAttribute("data-" + name) || "").replace("{n}", String(n));
  }

  function show(query) {
    var found = search(query);
    list.textContent = "";
    if (!found.words.length) {
      status.textContent = message("empty", 0);
      return;
    }
    if (!found.results.length) {
      status.textContent = message("none", 0);
      return;
    }
    var text = message("found", found.results.length);
    if (found.results.length > MAX_RESULTS) {
      text += " " + message("more", MAX_RESULTS);
    }
    status.textContent = text;
    found.results.slice(0, MAX_RESULTS).forEach(function (result) {
      var doc = index.docs[result.doc];
      var item = document.createElement("li");
      var link = document.createElement("a");
      link.href = index.base + doc[0];
      link.textContent = doc[1];
      item.appendChild(link);
      var meta = [doc[2], doc[3]].filter(Boolean).join(" · ");
      if (meta) {
        var p = document.createElement("p");
        p.className = "meta";
        p.textContent = meta;
        item.appendChild(p);
      }
      if (doc[4]) {
        var snippet = document.createElement("p");
        snippet.textContent = doc[4];
        item.appendChild(snippet);
      }
      list.appendChild(item);
    });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    show(input.value);
  });

  var query = new URLSearchParams(window.location.search).get("q");
  if (query) {
    input.value = query;
    show(query);
  }
})();
