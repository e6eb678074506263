library-empty = Резолюции ещё не загружены. Загрузите их командой
library-query = Слова, фраза или условное обозначение (A/RES/79/274)
library-all-languages = Все языки
library-search = Искать
library-results = { $count ->
    [one] Найден { $count } абзац
    [few] Найдено { $count } абзаца
   *[many] Найдено { $count } абзацев
}
library-session = { $session }-я сессия
library-agenda = пункт повестки дня { $items }
library-adopted = принята { $date }
library-footnotes = Сноски
library-cites = Ссылается на
library-external = нет в библиотеке
library-compare = рядом с версией на
library-cited-by = На неё ссылаются
library-cited-by-none = Ни один документ библиотеки на неё не ссылается.
library-position-title = название
library-position-preamble = пункт { $n } преамбулы
library-position-operative = пункт { $n } постановляющей части
library-position-provision = положение { $label }
library-list-sep = { ", " }
