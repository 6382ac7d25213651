/*
 * Journeybook: search that finds Vietnamese typed with or without diacritics.
 *
 * Material's search worker loads `lunr.<language>.min.js` for each language of the index's
 * `config.lang` before it builds the index; the plugin adds "fold" to that list, so this file
 * runs inside the worker with the `lunr` the worker uses. It adds one pipeline step:
 *
 * - indexing: every word is kept as written and, when it has diacritics, also folded
 *   ("tổng" -> "tổng", "tong"), at the same position, so result excerpts mark the word as
 *   written;
 * - searching is left as it is: a word typed with diacritics finds that word only, ranked as
 *   before; a word typed without them finds the words that fold to it ("tong" finds "tổng",
 *   "tông", "tống" and "tong").
 *
 * Folding: Unicode decomposition (NFD) with the combining marks removed, and đ -> d
 * (the same as journeybook.js and journeybook.site.search.fold).
 */
(function () {
  "use strict";
  var lunr = self.lunr;
  if (!lunr) {
    return;
  }

  function fold(text) {
    return text.normalize("NFD").replace(/\p{M}/gu, "").replace(/[\u0111]/g, "d")
      .replace(/[\u0110]/g, "D");
  }

  // Two words in a row, folded, as one term ("hoa don"): a phrase typed without diacritics
  // is ambiguous word by word ("tu" is tự, từ, tử, tư …) but rarely as a pair, so pages
  // with the phrase rank first whichever way it was typed. A pair term starts with a
  // character no one types, so a prefix typed in the box ("t…") never has to go through the
  // pairs, and holds a space, which no word does.
  function pair(first, second) {
    return "\u0002" + fold(first).toLowerCase() + " " + fold(second).toLowerCase();
  }

  // Whether a term has nothing to fold, remembered: results ask about the same terms often.
  var plainTerms = new Map();
  function isPlain(term) {
    var plain = plainTerms.get(term);
    if (plain === undefined) {
      plain = fold(term) === term;
      plainTerms.set(term, plain);
    }
    return plain;
  }

  function foldToken(token, index, tokens) {
    var written = token.toString();
    var folded = fold(written);
    var found = [token];
    if (folded !== written) {
      found.push(token.clone(function () { return folded; }));
    }
    var next = tokens[index + 1];
    if (written && next && next.toString()) {
      found.push(token.clone(function () { return pair(written, next.toString()); }));
    }
    return found;
  }
  lunr.Pipeline.registerFunction(foldToken, "journeybook-fold");

  // A "language" for Material's loader: it adds no words or steps of its own.
  lunr.fold = function () {};
  lunr.fold.wordCharacters = "";

  // A word typed with diacritics matches a page's word twice, as written and folded, at the
  // same place; the worker marks each place it is given, and marking one twice breaks the
  // excerpt's markup. Keep each place once per field, the word as written first.
  // Each pair of words typed one after the other also looks for its pair term, with a boost
  // (a phrase is what the reader meant); the words themselves are searched as before.
  var PAIR_BOOST = 100;
  var EXACT_IN_PHRASE = 0.001;
  lunr.Index.prototype.search = function (queryString) {
    var results = this.query(function (query) {
      new lunr.QueryParser(queryString, query).parse();
      var words = query.clauses.filter(function (clause) {
        return clause.presence !== lunr.Query.presence.PROHIBITED;
      });
      // A word typed with diacritics also looks for its folded form, so the ranking rests
      // on the same terms as the query typed without them. Alone, the word as typed adds
      // to that: a page with "tổng" comes before one with only its look-alike "tông". In a
      // phrase, the pairs decide (a look-alike rarely makes the same pair) and the word as
      // typed only breaks ties.
      words.forEach(function (clause) {
        var folded = fold(clause.term);
        if (folded !== clause.term) {
          query.clause({
            term: folded, fields: clause.fields, boost: clause.boost,
            usePipeline: false, wildcard: clause.wildcard,
            presence: lunr.Query.presence.OPTIONAL
          });
          if (words.length > 1) {
            clause.boost *= EXACT_IN_PHRASE;
          }
        }
      });
      for (var i = 0; i + 1 < words.length; i++) {
        var first = words[i].term.replace(/\*/g, "");
        var second = words[i + 1].term.replace(/\*/g, "");
        if (first && second) {
          query.clause({
            term: pair(first, second), boost: PAIR_BOOST, usePipeline: false,
            wildcard: lunr.Query.wildcard.NONE, presence: lunr.Query.presence.OPTIONAL
          });
        }
      }
    });
    results.forEach(function (result) {
      var metadata = result.matchData.metadata;
      var terms = Object.keys(metadata);
      var seen = {};
      // Two passes: the words as written first (they keep their places), then the rest.
      [false, true].forEach(function (plain) {
        terms.forEach(function (term) {
          if (isPlain(term) !== plain) {
            return;
          }
          var fields = metadata[term];
          Object.keys(fields).forEach(function (field) {
            var positions = fields[field].position;
            if (!positions) {
              return;
            }
            var places = seen[field] || (seen[field] = new Set());
            var kept = positions.filter(function (place) {
              var key = String(place);
              return places.has(key) ? false : (places.add(key), true);
            });
            if (kept.length !== positions.length) {
              fields[field] = Object.assign({}, fields[field], {position: kept});
            }
          });
        });
      });
    });
    return results;
  };

  // The worker combines its languages with lunr.multiLanguage, from lunr.multi.min.js, which
  // it loads after the languages (this file among them): wrap it when it arrives.
  function withFolding(multiLanguage) {
    return function () {
      var languages = Array.prototype.filter.call(arguments, function (language) {
        return language !== "fold";
      });
      var plugin = multiLanguage.apply(lunr, languages.length ? languages : ["en"]);
      return function (builder) {
        plugin.call(this, builder);
        // Right after the trimmer (the first step): stop words and stemmers see both forms.
        // Not in the search pipeline: a word typed with diacritics looks only for itself.
        this.pipeline._stack.splice(1, 0, foldToken);
      };
    };
  }

  var wrapped = lunr.multiLanguage ? withFolding(lunr.multiLanguage) : undefined;
  Object.defineProperty(lunr, "multiLanguage", {
    configurable: true,
    enumerable: true,
    get: function () { return wrapped; },
    set: function (multiLanguage) { wrapped = withFolding(multiLanguage); }
  });
})();
