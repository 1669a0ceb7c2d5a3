"""What a Russian or Kazakh question asks for, read from a few cue words. Pure functions.

The kinds are the English ones (``qa.questions.query``): a date, a time, a quantity, a count, a person,
an organisation, a place or an actor. They are checked on the English passages with the same language-independent
tests (``qa.search.kinds.contains``), so only the reading of the question is per language.
Also here: the names a Cyrillic question uses, and whether it asks about the text's author.
"""
from __future__ import annotations

import re

from .query import AGENT, COUNT, DATE, ORGANIZATION, PERSON, PLACE, QUANTITY, TIME

# Kinds in the order they are tried: the first that matches wins ("сколько стоит" is a
# quantity before "сколько" is a count). Patterns match the lower-cased question.
_ASKS = [
    (DATE, re.compile(r"\bкакого числа\b|\bв какой день\b|\bв каком месяце\b|\bкакого месяца\b|\bдат[аеуы]\b|"
                      r"\bқай күні\b|\bқай айда\b|\bнешесінде\b|\bкүні\b")),
    (TIME, re.compile(r"\bкогда\b|\bв каком году\b|\bс какого года\b|\bқашан\b|\bқай жылы\b")),
    (QUANTITY, re.compile(r"\bсколько (стои|денег)|\b(объ[её]м|сумм|процент|ввп|численност|"
                          r"стоимост|бюджет|миллиард|миллион|доллар|курс|темп)|"
                          r"\bқанша (тұрады|ақша)|\b(пайыз|сомас|көлемі|бағамы)")),
    (COUNT, re.compile(r"\bсколько\b|\bқанша\b|\bнеше\b")),
    (PERSON, re.compile(r"\bкакой (президент|министр|лидер|руководитель|политик|чиновник)\b|\bкем\b|"
                        r"\bкто\b.*\b(президент|министр|председател|руководител|глав[аеуы]\b)|"
                        r"\bқай (президент|министр|басшы)\b|(президент|министр|төраға|басшы).*\bкім\b")),
    (ORGANIZATION, re.compile(r"\bкак(ие|ая|ой|ую|им|ого) (\w+ )?(компани|банк|фирм|корпораци|университет|фонд|"
                              r"предприяти|инвестор)|\bқай (\w+ )?(компания|банк|фирма|университет|қор)")),
    (PLACE, re.compile(r"\bгде (\w+ )?(прош[её]л|проходил|пройд[её]т|проходит|состоится|состоялся|состоялась|"
                       r"находится|расположен|подписа)|\bв как(ом|ой) (город|стран|мест)|\bкак(ой|ая) (город|стран)")),
    (AGENT, re.compile(r"\bкто\b|\bкого\b|\bкім\b|\bкімдер\b")),
]
# Words for the author or speaker of the text itself (not for what it says: "по словам автора").
_META = re.compile(r"\b(автор|докладчик|спикер|выступающ|оратор|написал|баяндамашы|сөйлеуші|жазған)")
# "по мнению выступающего" (according to the speaker) is about what the speech says.
_ACCORDING = re.compile(r"\b(по (мнению|словам)|согласно|с точки зрения)\s+(\w+\s+)?(автор|докладчик|спикер|выступающ|"
                        r"оратор)\w*")
# Questions about where the author works or what they do: answered by the byline as well.
_AFFILIATION = re.compile(r"\b(где|кем|откуда)\b|\bв как(ой|ом) (организаци|институт|центр|учрежден)|"
                          r"\bкак(ую|ая|ой) должност|\bқайда\b|\bқай (ұйым|мекеме|институт|орталық)")
_WORD = re.compile(r"[^\W\d_]+")
# A capitalised word right after these starts a sentence or a quoted title, not a name.
_OPENERS = frozenset(".!?«“„\"'(")
# Russian adjective endings. A capitalised adjective starts a translated title ("Великий
# шёлковый путь", "Европейский союз") whose English words the encoder cannot match one by
# one, so it is not checked as a name.
_ADJECTIVE = re.compile(r"(ый|ий|ой|ая|яя|ое|ее|ые|ие|ого|его|ому|ему|ым|им|ую|юю|ых|их|ыми|ими|ском|овом|ком)$")


def asks_for(question: str) -> str:
    """The kind of thing a Russian or Kazakh question wants, or ``""``.

    >>> asks_for("Какого числа пройдёт саммит?"), asks_for("Когда объявили инициативу?")
    ('date', 'time')
    >>> asks_for("Сколько стоит билет?"), asks_for("Сколько стран в регионе?"), asks_for("Кто это сказал?")
    ('quantity', 'count', 'agent')
    >>> asks_for("Кто председательствовал на саммите?"), asks_for("Кто является президентом?")
    ('person', 'person')
    >>> asks_for("Саммит қашан өтеді?"), asks_for("Қанша ел қатысады?"), asks_for("Почему?")
    ('time', 'count', '')
    >>> asks_for("Какие китайские компании управляют индустриальными парками?")
    'organization'
    >>> asks_for("Где пройдёт второй саммит?"), asks_for("В каком городе прошёл первый саммит?")
    ('place', 'place')

    """
    text = question.lower()
    for kind, pattern in _ASKS:
        if pattern.search(text):
            return kind
    return ""


def about_author(question: str) -> bool:
    """Does the question ask who wrote or gave the text, or where its author works ("Кто
    автор?", "Авторы кім?", "В каком учреждении работает автор?")?

    >>> about_author("Кто является автором доклада?"), about_author("Что автор говорит о России?")
    (True, False)
    >>> about_author("Бұл баяндаманың авторы кім?"), about_author("Где работает автор речи?")
    (True, True)
    >>> about_author("В каком учреждении работает автор?"), about_author("Что автор думает о центре?")
    (True, False)
    >>> about_author("Кто, по мнению выступающего, отвечает за это?")
    False
    """
    text = _ACCORDING.sub(" ", question.lower())
    return bool(_META.search(text)) and (asks_for(question) in (AGENT, PERSON) or bool(_AFFILIATION.search(text)))


def names(question: str) -> tuple[str, ...]:
    """Capitalised Cyrillic words that are names: not the first word of a sentence, not the
    first word of a quoted title, not an all-capital abbreviation (ВВП), not an adjective.

    >>> names("Что автор говорит о роли России и Путина?")
    ('России', 'Путина')
    >>> names("Что решили на форуме «Пояс и путь»? Когда?")
    ()
    >>> names("Что сказано о Шёлковом пути и Европейском союзе?")
    ()
    """
    found = []
    for m in _WORD.finditer(question):
        word = m.group()
        before = question[:m.start()].rstrip()
        if not before or before[-1] in _OPENERS:
            continue
        if (word[0].isupper() and word[1:].islower() and len(word) > 1 and "CYRILLIC" in _name(word[0])
                and not _ADJECTIVE.search(word)):
            found.append(word)
    return tuple(found)


def quoted(question: str) -> tuple[str, ...]:
    """Quoted titles in the question, each with the word before it ("форуме «Пояс и путь»").

    >>> quoted("Что решили на форуме «Пояс и путь»?")
    ('форуме «Пояс и путь»',)
    """
    return tuple(m.group().strip() for m in re.finditer(r"(?:[^\W\d_]+\s+)?[«“„\"][^»”“\"]+[»”“\"]", question))


def _name(ch: str) -> str:
    import unicodedata

    return unicodedata.name(ch, "")
