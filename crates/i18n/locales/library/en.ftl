library-empty = No resolutions have been ingested yet. Load them with
library-query = Words, a phrase or a symbol (A/RES/79/274)
library-all-languages = All languages
library-search = Search
library-results = { $count ->
    [one] One paragraph found
   *[other] { $count } paragraphs found
}
library-session = Session { $session }
library-agenda = agenda item { $items }
library-adopted = adopted { $date }
library-footnotes = Footnotes
library-cites = Cites
library-external = not in the library
library-compare = side by side with
library-cited-by = Cited by
library-cited-by-none = No document in the library cites it.
library-position-title = title
library-position-preamble = preambular paragraph { $n }
library-position-operative = operative paragraph { $n }
library-position-provision = provision { $label }
library-list-sep = { ", " }
