"""The words of the HTML report, in English and Russian.

One catalogue for the page and its script: the template reads `t.key`, the script gets the
keys it needs in the embedded data. Plurals follow each language's rule (Russian has three
forms), so counts read naturally in both.
"""

from __future__ import annotations

from typing import Literal

Lang = Literal["en", "ru"]
LANGUAGES: tuple[Lang, ...] = ("en", "ru")

EN: dict[str, str] = {
    "page_title": "Reused text report",
    "heading": "Reused text: who published it first",
    "lede": "Passages shared between articles, and for each the earliest member in this corpus — "
    "not necessarily the original author.",
    "documents": "Documents",
    "links": "Links",
    "clusters": "Clusters",
    "origins_found": "Origin found",
    "ties": "Ties",
    "undated": "undated",
    "undated_title": "Undated",
    "reused_chars": "Reused chars",
    "copied_text": "copied text",
    "mixed": "mixed",
    "shared_quotation": "shared quotation",
    "shared_quotations": "Shared quotations",
    "credited": "credited",
    "not_credited": "not credited",
    "warnings": "Warnings",
    "skipped": "Skipped",
    "input": "Input",
    "files_seen": "files seen",
    "from_manifest": "metadata from the manifest",
    "read_as": "every file read as",
    "report_format": "report format",
    "offsets_note": "offsets in Unicode code points",
    "how_to_read": "How to read this report",
    "legend_copied": "Both sides share narrative prose, not speech: one outlet's own writing appears in "
    "another's. Flagged when the later outlet does not credit the earlier one.",
    "legend_quote": "Both sides quote the same speaker (at least 80 % of each passage is direct speech). "
    "Two outlets quoting one speech is not one copying the other; who printed it first is still "
    "shown. Highlighted with stripes; direct speech is set in italics.",
    "legend_mixed": "One side quotes, the other does not, e.g. a quotation turned into an outlet's own "
    "prose.",
    "legend_credited": "The later article names the earlier one's outlet in a credit.",
    "legend_uncredited": "Copied text that the later article does not credit: a red frame.",
    "legend_kinds": "How alike the passages are, drawn as the underline: solid — the same words; "
    "dashed — a word or two changed (similarity ≥ 0.8); dotted — rewritten in places.",
    "legend_excluded": "Struck-through grey text is left out of matching and of the reused share: page "
    "furniture and a passage an article repeats inside itself.",
    "legend_colour": "The colour of a passage is the colour of its source in the article's numbered "
    "source list.",
    "verbatim": "verbatim",
    "near-verbatim": "near-verbatim",
    "partial": "partial",
    "parameters": "Parameters",
    "views": "Views",
    "view_corpus": "Articles",
    "view_article": "Article",
    "view_lineage": "Lineage",
    "view_outlets": "Outlets",
    "filters": "Filters",
    "hide_quotes": "Hide shared quotations",
    "min_words": "Hide matches under",
    "words_unit": "words",
    "exclude_outlet": "Exclude outlet",
    "exclude_none": "— none —",
    "reset": "Reset",
    "search": "Search",
    "search_placeholder": "outlet, title, file…",
    "filters_note": "Filters recompute every share in the page; the JSON report is not changed.",
    "col_outlet": "Outlet",
    "col_date": "Date",
    "col_title": "Title",
    "col_reused": "Reused",
    "col_sources": "Sources",
    "col_earliest": "Earliest source",
    "sort_hint": "Click a column heading to sort.",
    "unknown_outlet": "unknown outlet",
    "no_year": "no year",
    "no_year_warning": "The date has no year: this article is never placed in a timeline.",
    "from": "from",
    "earliest_self": "earliest in this corpus",
    "earliest_tie": "tie, same day",
    "earliest_unknown": "order unknown",
    "none": "—",
    "rows_shown": "articles shown",
    "earlier_source": "earlier source",
    "later_copy": "later copy",
    "same_day": "same day",
    "order_unknown": "order unknown",
    "reused": "reused",
    "of_article": "of the article",
    "sources": "Sources",
    "credits": "Credits",
    "metadata_header": "Metadata header",
    "after_article": "Text after the article",
    "extracted": "the text extracted from the page",
    "boilerplate": "Boilerplate",
    "boilerplate_note": "Page furniture left out of matching and of every reused share: lines the outlet "
    "registry lists (registry), or the same short line in many articles of one outlet (frequency).",
    "repeat_note": "repeats an earlier passage of this article",
    "previous": "Previous",
    "next": "Next",
    "previous_article": "Previous article",
    "next_article": "Next article",
    "close": "Close",
    "this_article": "This article",
    "twin_title": "Passage and its twin",
    "twin_hint": "Words that differ are marked.",
    "open_in_article": "open in its article",
    "similarity": "similarity",
    "matched_words": "words matched",
    "no_reuse": "No reused text was found.",
    "earliest_in_corpus": "earliest in this corpus",
    "tie_label": "tie — same day, none preferred",
    "cluster_determined": "Earliest in this corpus:",
    "cluster_tie": "Tie: these members share the earliest date {date}; none is preferred.",
    "cluster_undated": "No member has a date with a year: the earliest cannot be determined.",
    "yearless_apart": "no year — cannot be placed",
    "undated_apart": "undated — cannot be placed",
    "same_day_group": "same day",
    "hidden_by_filters": "all its links are hidden by the filters",
    "outlets_heading": "Who copies whom",
    "outlets_note": "Rows: the earlier outlet; columns: the later one. Each cell gives the reused "
    "characters of the later side and the number of links; the darker, the more. Links without a "
    "known order (same day, no year) are in the second table, where neither outlet can be said to "
    "have copied the other.",
    "earlier_later": "earlier ↓ · later →",
    "unordered_heading": "Order unknown (same day or no year)",
    "link_count": "links",
    "credited_share": "credited",
    "quotation_share": "quotation",
    "footer": "Made by {tool} from the JSON report (format {version}). “Earliest” means earliest in "
    "this corpus; a missing year is never guessed.",
    "needs_script": "The views, filters and side-by-side comparison need scripts; without them every "
    "section is shown in full.",
    "precision_datetime": "date and time",
    "precision_day": "day",
    "src_header": "header",
    "src_record": "record",
    "src_dateline": "dateline",
    "src_trailer": "trailer",
    "src_json-ld": "JSON-LD",
    "src_html-meta": "meta tag",
    "src_html-time": "time tag",
    "src_html-title": "page title",
    "src_html-canonical": "canonical link",
    "src_manifest": "manifest",
    "src_signature": "signature",
    "src_url": "address",
}

RU: dict[str, str] = {
    "page_title": "Отчёт о заимствованном тексте",
    "heading": "Заимствованный текст: кто опубликовал первым",
    "lede": "Фрагменты, общие для нескольких статей, и для каждого — самая ранняя публикация в этом "
    "корпусе, не обязательно первоисточник.",
    "documents": "Документы",
    "links": "Связи",
    "clusters": "Кластеры",
    "origins_found": "Источник найден",
    "ties": "Ничьи",
    "undated": "без даты",
    "undated_title": "Без даты",
    "reused_chars": "Заимствовано знаков",
    "copied_text": "скопированный текст",
    "mixed": "смешанный",
    "shared_quotation": "общая цитата",
    "shared_quotations": "Общие цитаты",
    "credited": "со ссылкой",
    "not_credited": "без ссылки",
    "warnings": "Предупреждения",
    "skipped": "Пропущено",
    "input": "Вход",
    "files_seen": "файлов найдено",
    "from_manifest": "метаданные из манифеста",
    "read_as": "все файлы прочитаны в кодировке",
    "report_format": "формат отчёта",
    "offsets_note": "смещения в кодовых точках Unicode",
    "how_to_read": "Как читать этот отчёт",
    "legend_copied": "Обе стороны содержат авторский текст, а не прямую речь: текст одного издания "
    "появляется у другого. Отмечается, если более позднее издание не ссылается на более раннее.",
    "legend_quote": "Обе стороны цитируют одного и того же человека (не менее 80 % каждого фрагмента — "
    "прямая речь). Два издания, процитировавшие одну речь, не копируют друг друга; кто напечатал "
    "первым, всё равно показано. Выделено штриховкой; прямая речь — курсивом.",
    "legend_mixed": "Одна сторона цитирует, другая нет, например цитата, пересказанная своими словами.",
    "legend_credited": "Более поздняя статья называет издание более ранней в ссылке на источник.",
    "legend_uncredited": "Скопированный текст без ссылки на источник: красная рамка.",
    "legend_kinds": "Насколько похожи фрагменты, показывает подчёркивание: сплошное — те же слова; "
    "пунктирное — изменены одно-два слова (сходство ≥ 0,8); точечное — местами переписано.",
    "legend_excluded": "Зачёркнутый серый текст не участвует в поиске и в доле заимствований: "
    "служебные строки сайта и фрагмент, который статья повторяет внутри себя.",
    "legend_colour": "Цвет фрагмента — цвет его источника в нумерованном списке источников статьи.",
    "verbatim": "дословно",
    "near-verbatim": "почти дословно",
    "partial": "частично",
    "parameters": "Параметры",
    "views": "Разделы",
    "view_corpus": "Статьи",
    "view_article": "Статья",
    "view_lineage": "Родословная",
    "view_outlets": "Издания",
    "filters": "Фильтры",
    "hide_quotes": "Скрыть общие цитаты",
    "min_words": "Скрыть совпадения короче",
    "words_unit": "слов",
    "exclude_outlet": "Исключить издание",
    "exclude_none": "— нет —",
    "reset": "Сбросить",
    "search": "Поиск",
    "search_placeholder": "издание, заголовок, файл…",
    "filters_note": "Фильтры пересчитывают все доли на странице; JSON-отчёт не меняется.",
    "col_outlet": "Издание",
    "col_date": "Дата",
    "col_title": "Заголовок",
    "col_reused": "Заимствовано",
    "col_sources": "Источники",
    "col_earliest": "Самый ранний источник",
    "sort_hint": "Нажмите на заголовок столбца, чтобы отсортировать.",
    "unknown_outlet": "издание неизвестно",
    "no_year": "без года",
    "no_year_warning": "В дате нет года: статья не ставится на временную шкалу.",
    "from": "из",
    "earliest_self": "самая ранняя в корпусе",
    "earliest_tie": "ничья, тот же день",
    "earliest_unknown": "порядок неизвестен",
    "none": "—",
    "rows_shown": "статей показано",
    "earlier_source": "более ранний источник",
    "later_copy": "более поздняя копия",
    "same_day": "тот же день",
    "order_unknown": "порядок неизвестен",
    "reused": "заимствовано",
    "of_article": "статьи",
    "sources": "Источники",
    "credits": "Ссылки",
    "metadata_header": "Заголовок с метаданными",
    "after_article": "Текст после статьи",
    "extracted": "текст, извлечённый со страницы",
    "boilerplate": "Служебные строки",
    "boilerplate_note": "Служебные строки сайта, не участвующие в поиске и в долях: строки из реестра "
    "изданий (registry) или одна и та же короткая строка во многих статьях издания (frequency).",
    "repeat_note": "повторяет более ранний фрагмент этой статьи",
    "previous": "Назад",
    "next": "Далее",
    "previous_article": "Предыдущая статья",
    "next_article": "Следующая статья",
    "close": "Закрыть",
    "this_article": "Эта статья",
    "twin_title": "Фрагмент и его двойник",
    "twin_hint": "Различающиеся слова отмечены.",
    "open_in_article": "открыть в статье",
    "similarity": "сходство",
    "matched_words": "совпало слов",
    "no_reuse": "Заимствованного текста не найдено.",
    "earliest_in_corpus": "самая ранняя в этом корпусе",
    "tie_label": "ничья — тот же день, ни одна не предпочтена",
    "cluster_determined": "Самая ранняя в этом корпусе:",
    "cluster_tie": "Ничья: у этих публикаций одна и та же самая ранняя дата {date}; ни одна не предпочтена.",
    "cluster_undated": "Ни у одной публикации нет даты с годом: самую раннюю определить нельзя.",
    "yearless_apart": "без года — место не определить",
    "undated_apart": "без даты — место не определить",
    "same_day_group": "тот же день",
    "hidden_by_filters": "все связи скрыты фильтрами",
    "outlets_heading": "Кто у кого заимствует",
    "outlets_note": "Строки — более раннее издание, столбцы — более позднее. В ячейке — заимствованные "
    "знаки более поздней стороны и число связей; чем темнее, тем больше. Связи без известного "
    "порядка (тот же день, нет года) — во второй таблице: про них нельзя сказать, кто у кого взял.",
    "earlier_later": "раньше ↓ · позже →",
    "unordered_heading": "Порядок неизвестен (тот же день или нет года)",
    "link_count": "связи",
    "credited_share": "со ссылкой",
    "quotation_share": "цитаты",
    "footer": "Создано {tool} по JSON-отчёту (формат {version}). «Самая ранняя» — самая ранняя в этом "
    "корпусе; отсутствующий год никогда не угадывается.",
    "needs_script": "Разделы, фильтры и сравнение бок о бок работают со скриптами; без них все "
    "разделы показаны целиком.",
    "precision_datetime": "дата и время",
    "precision_day": "день",
    "src_header": "заголовок файла",
    "src_record": "запись",
    "src_dateline": "дата в начале",
    "src_trailer": "дата в конце",
    "src_json-ld": "JSON-LD",
    "src_html-meta": "meta-тег",
    "src_html-time": "тег time",
    "src_html-title": "заголовок страницы",
    "src_html-canonical": "канонический адрес",
    "src_manifest": "манифест",
    "src_signature": "подпись",
    "src_url": "адрес",
}

CATALOGUES: dict[Lang, dict[str, str]] = {"en": EN, "ru": RU}

# Plural forms: English "one/other", Russian "one/few/many".
_FORMS: dict[Lang, dict[str, tuple[str, ...]]] = {
    "en": {
        "document": ("document", "documents"),
        "link": ("link", "links"),
        "passage": ("passage", "passages"),
        "character": ("character", "characters"),
        "word": ("word", "words"),
    },
    "ru": {
        "document": ("документ", "документа", "документов"),
        "link": ("связь", "связи", "связей"),
        "passage": ("фрагмент", "фрагмента", "фрагментов"),
        "character": ("знак", "знака", "знаков"),
        "word": ("слово", "слова", "слов"),
    },
}


def plural(lang: Lang, n: int, word: str) -> str:
    """`n` and the form of `word` that goes with it, e.g. "3 links", "5 связей"."""
    forms = _FORMS[lang][word]
    if lang == "en":
        return f"{n} {forms[0] if n == 1 else forms[1]}"
    tens, ones = n % 100, n % 10
    if ones == 1 and tens != 11:
        form = forms[0]
    elif 2 <= ones <= 4 and not 12 <= tens <= 14:
        form = forms[1]
    else:
        form = forms[2]
    return f"{n} {form}"


def plural_forms(lang: Lang) -> dict[str, tuple[str, ...]]:
    """The plural forms, for the page's script."""
    return _FORMS[lang]
