#!/usr/bin/env python3
"""Validate the blind question sets in tests/data/questions/.

Stand-alone: reads only the question files, the speech texts and SOURCES.md; it does not import or run
the project's code (only ``scripts/question_sets.py``, the list of the sets written). Checks required fields, that every evidence string is an exact substring of its
document, the per-file rules (counts of Russian / meta / names_doc / unanswerable questions), the
held-out split recorded in SPLIT.md (round 1 and round 2), the questions on the speeches held out
whole (tests/data/unseen-speeches*/), and, for tests/data/questions/wording.jsonl, that quote / phrase /
mention outcomes and counts follow the rule in tests/data/questions/README.md.
Prints per-file totals and exits non-zero on any problem.

Usage: python3 scripts/check_questions.py [--quiet]
"""
import collections
import json
import re
import sys
from pathlib import Path

import question_sets  # scripts/question_sets.py: the rounds and pairs written, and which are retired

ROOT = Path(__file__).resolve().parent.parent
QDIR = ROOT / "tests" / "data" / "questions"
SPEECH_DIR = ROOT / "tests" / "data" / "speeches"
MAIN = "central-asia-modernization-speech.txt"
MAIN_PATH = ROOT / "seeds" / MAIN

SPEECHES = [
    "abbott-boao-forum-2014.txt", "biden-ipef-launch-2022.txt", "biden-supply-chain-summit-2021.txt",
    "cameron-anticorruption-summit-2016.txt", "gillard-boao-forum-2013.txt", "harris-lusaka-climate-2023.txt",
    "rudd-cop13-bali-2007.txt", "sullivan-agoa-forum-2024.txt",
]
# Speeches held out whole, in pairs: folder -> its speeches (``question_sets.PAIRS``, every pair
# written, run or not); the questions of tests/data/<folder>/ are in questions/<folder>/.
UNSEEN = {folder: list(names) for folder, (names, _) in question_sets.PAIRS.items()}
UNSEEN_DIRS = {name: ROOT / "tests" / "data" / folder for folder, names in UNSEEN.items() for name in names}
# Documents written for a set of questions about documents themselves (tests/data/<folder>/).
SET_DOCUMENTS = {"metaset-7-docs": ("clinton-1994-filed.txt", "grant-1871-filed.txt", "harding-1922-filed.txt",
                                    "hoover-1932-filed.txt", "lincoln-1863-filed.txt", "roosevelt-1944-filed.txt"),
                 "metaset-8-docs": ("address-2002-01-29-filed.txt", "eisenhower-1956-filed.txt", "jefferson-1805-filed.txt",
                                    "mckinley-1897-filed.txt", "obama-2010-filed.txt"),
                 "metaset-9-docs": ("fillmore-1850-filed.txt", "ford-1976-filed.txt", "hayes-1878-filed.txt",
                                    "truman-1953-filed.txt", "vanburen-1840-filed.txt", "wilson-1915-filed.txt"),
                 "metaset-10-docs": ("adams-1827-filed.txt", "cleveland-1887-filed.txt", "nixon-1970-filed.txt", "obama-2014-sotu-filed.txt", "polk-1847-filed.txt", "roosevelt-1906-filed.txt"),
                 "metaset-11-docs": ("1996-state-of-the-union-filed.txt", "biden-2022-filed.txt", "eisenhower-1958-filed.txt",
                                     "hoover-1930-filed.txt", "roosevelt-1905-filed.txt", "trump-2018-filed.txt"),
                 "metaset-12-docs": ("eisenhower-1955-filed.txt", "hayes-1877-filed.txt", "jackson-1834-filed.txt",
                                     "johnson-1966-filed.txt", "kennedy-1962-filed.txt", "obama-2016-filed.txt"),
                 "metaset-13-docs": ("coolidge-1927-filed.txt", "kennedy-1963-filed.txt", "lincoln-1864-filed.txt"),
                 "metaset-14-docs": ("jackson-1833-filed.txt", "jefferson-1806-filed.txt", "madison-1815-filed.txt",
                                     "monroe-1820-filed.txt", "monroe-1822-filed.txt", "pierce-1854-filed.txt"),
                 "metaset-15-docs": ("bush-2007-filed.txt", "eisenhower-1961-filed.txt", "nixon-1973-filed.txt",
                                     "reagan-1985-filed.txt", "roosevelt-1939-filed.txt", "truman-1952-filed.txt"),
                 "metaset-16-docs": ("adams-1798-filed.txt", "harrison-1890-filed.txt", "jackson-1829-filed.txt", "jefferson-1808-filed.txt", "madison-1810-filed.txt", "pierce-1856-filed.txt"),
                 "metaset-17-docs": ("bush-1992-filed.txt", "eisenhower-1953-filed.txt", "nixon-1974-filed.txt", "obama-2015-filed.txt", "roosevelt-1935-filed.txt", "truman-1950-filed.txt"),
                 "metaset-18-docs": ("bush-2008-filed.txt", "clinton-2000-filed.txt", "johnson-1968-filed.txt", "obama-2012-filed.txt", "roosevelt-1940-filed.txt", "wilson-1916-filed.txt")}
SET_DOCUMENT_DIRS = {name: ROOT / "tests" / "data" / folder for folder, names in SET_DOCUMENTS.items() for name in names}
UNSEEN_SPEECHES = list(UNSEEN_DIRS)
# Held out whole (chosen before any run; see SPLIT.md for the command that picked them).
HELDOUT_SPEECHES = {"biden-supply-chain-summit-2021.txt", "gillard-boao-forum-2013.txt",
                    "sullivan-agoa-forum-2024.txt"}

# Metadata lines ("Key: value") at the top or bottom of a file are not part of the speech body.
HEADER_KEYS = {"Title", "Speaker", "Role", "Date", "URL", "Author", "Auther", "Delivered", "Location",
               "Speech type", "Source", "Licence", "License", "Occasion", "Place", "Event", "President", "By",
               "From", "Sent", "Written by", "Dated", "Document", "Issued by", "Issued on",
               "Message", "Signed", "Transmitted", "Personal name", "Main title", "Published/Created",
               "Communicated by", "Congress and session", "Message date", "Date sent", "Category", "Sender", "Recipients", "Dispatched on",
               "Chief Executive", "Addressees", "Day",
               "Prepared by", "Intended for", "Submitted on",
               "Penned by", "Directed to", "Under date of",
               "Composed by", "Laid before", "Bearing the date",
               "Drafted by", "Presented to", "Calendar date",
               "Originator", "Forwarded to", "Date of record",
               "Orator", "Spoken before", "Spoken on",
               "Read by", "Read before", "Read on",
               "Message author", "Conveyed to", "Date of writing",
               "Transcribed address by", "Transcribed address to", "Transcribed address dated",
               "Addressed by", "Addressed to", "Addressed on",
               "Conveyed by", "Conveyed in writing to", "Conveyed on",
               "Rendered by", "Rendered to", "Rendered on",
               "Speechmaker", "Appeared Before", "Address Date", "Responsible Person", "Recipient Body", "Dateline",
               "Address Giver", "Listeners", "Delivery Date", "Signer", "Routed To", "Signing Date",
               "Message Writer", "Readership", "Transmittal Date", "Correspondent", "Meant For", "Message Day",
               "Addresser", "Hearers", "Day spoken", "Delivering official", "Receiving body", "Date delivered",
               "Main Speaker", "Audience", "Held On", "Sending Official", "Transmitted To", "Reading Date",
               "Penman", "Sent Over To", "Date Of Dispatch", "Composer", "Destination", "Transmission Date",
               "Presenter", "Speaking Before", "Evening Of",
               "Drafter", "Intended Readers", "Dated As Of", "Remarks Of", "In Front Of", "Speech Date", "Issuer",
               "Submitted To", "Date Issued", "Signatory", "Consignee", "Signature Date", "Message From", "Lodged With",
               "Sending Day", "Deliverer", "Assembly Addressed", "Occurred On", "Spokesperson", "Addressee", "Timestamp",
               "Tendered by", "Tendered to", "Tendered on",
               "Scribe", "Bound For", "Day Of Sending", "Message Sender", "Receiving Chamber", "Postmark", "Spokesman", "Spoke To", "Given On", "Lead Voice", "Gathering", "Night Of", "Framer", "Put Before", "Filing Day", "Transmitter", "Conveyed Unto", "Dispatch Day",
               "Submitter", "Remitted To", "Date Logged", "Head Of State", "Handed To", "Message Dated", "Keynote Speaker",
               "Floor Audience", "Airdate", "Rostrum Speaker", "Stood Before", "Appearance Day", "Headliner",
               "Chamber And Mode", "Broadcast Night", "Speechgiver", "Directed Toward", "Event Date",
               "Proclaimer", "Spoken in front of", "Delivery day", "Declaimer", "Voiced before", "Speech day",
               "Speaker Of Record", "Made Before", "Day Given", "Message Origin", "Written On", "Recipient Houses",
               "Dispatcher", "Sent Along To", "Date Penned", "Speaking Executive", "Reported To", "Evening Date",
               "Oration By", "Calendar Entry", "Listenership", "Date Of Remarks", "Orating Official", "Setting", "Keynoter", "Pronounced before", "When given", "Consignor", "Delivered over to", "Transmittal day",
               "Platform Speaker", "Heard By", "Calendar Day", "Forwarder", "Sent Out On", "Receiving Legislature",
               "Issue Day", "Reporter", "Lodged Before", "Declarer", "Addressed before", "Day addressed", "Imparter", "Handed up to", "Day of transmission", "Public speaker", "Spoke in front of", "When spoken", "Informant", "Furnished to", "Issuance day",
               "Annunciator", "Borne unto", "Day of conveyance", "Orationist", "Uttered to", "Oral delivery day",
               "Expositor", "Held forth before", "Day heard", "Scrivener", "Relayed to", "Signature day",
               "Allocutor", "Heard in person by", "Declaimed on", "Official author", "Transmitted in writing to",
               "Outgoing date", "Declaimed by", "Announced before", "Date heard",
               "Subscribed by", "Outbound to", "Sign-off day", "Missive from", "Despatched to", "Letter date",
               "Under the hand of", "Submitted unto", "Set down on",
               "Author of record", "Communicated unto", "Dispatch date", "Orator of record", "Room addressed", "Pronounced on",
               "From the pen of", "Filed with", "Day of signing", "Personage", "Orally before", "Rendition date",
               "Bringer", "Handed in to", "Day of transmittal", "Promulgator", "Proffered to", "Lodged on", "Words From", "Said On", "Speech Recipients", "Remarks Made By", "Seated Audience", "Talk Date", "Rhetor", "Quorum Addressed", "Year And Day", "Whose Address", "Rendered Before", "Session Day", "Unfolded On", "Voice Of", "Those Present", "Reporting Official", "Where And How", "Weekday And Date",
               "Lectern Speaker", "Assembly Faced", "Date Spoken", "Compiler", "Marked On", "Delivered Unto", "Journal Date", "Draftsman", "Houses And Manner", "Crafted By", "Conveyed Toward", "Ledger Date", "Executive Hand", "Legislative Recipients", "Almanac Day", "Issuing President", "Forum And Form", "Date Stamp", "Put Forward By", "Room And Manner", "Year Month Day", "Proposer", "Under Date", "Uttered Before", "Stated By", "Target Audience", "Took Place On", "Presentation Day", "Utterer", "Way Delivered", "Officeholder", "Told To", "Noted Date", "Point In Time", "Rhetorician", "Persons Addressed",
               "Chief Author", "Communicated On", "Legislature Addressed", "Drawn Up By", "Conveyance", "Handed In On", "Communicator", "Intended Recipients", "Date Of Message", "Day Transmitted", "Authored By", "Carried To", "Authoring Official", "Made Out To", "Bears Date", "Executive Sender", "Dispatched To", "Forwarding Date", "Night Delivered", "Newsmaker", "Witnessed By", "Penned On", "Undersigned", "Tabled Before", "Principal Author", "Posted To", "Paper Date", "Podium Occupant", "Venue And Mode", "Presented On", "Rapporteur", "Plenary Audience", "Occasion Date", "Voiced By", "Sitting Date", "Onlookers",
               "Issuing official", "Missive sent to", "Made out on",
               "Originating hand", "Passed along to", "Record date",
               "Word from", "Went out to", "Upon the day",
               "Featured speaker", "Convened listeners", "Diary date",
               "Delivering officer", "Addressed aloud to", "Enunciated on",
               "Missive by", "Marked for", "Handed-in day",
               "Originating official", "Sent forward to", "Recorded date",
               "Undersigner", "Transmitted unto", "When sent",
               "Given aloud by", "Gathered audience", "Hearing day",
               "Rostrum voice", "Spoken in person to", "Sitting day",
               "Worded by", "Within hearing of", "When voiced",
               "Composing officer", "For the attention of", "Despatch day",
               "Inditing hand", "Laid in front of", "Handover day",
               "Signing officer", "Messaged to", "Submission date",
               "Vocalizer", "Told in person to", "Viva voce on",
               "Engrosser", "Chambers addressed", "Cover date",
               "Giver of record", "Lettered unto", "Inked day",
               "Sender name", "Sendee", "Send date",
               "Recited by", "Oral audience", "Oratory day",
               "Via the pen of", "Written unto", "Under the date",
               "Quillsman", "Vectored to", "Vellum date",
               "Given out by", "Headed out to", "Gone out on"}
# Expected number of metadata lines (top, bottom) per file: guards against a speaker label such as
# "THE VICE PRESIDENT:" or "MR. SULLIVAN:" being taken for a header line.
EXPECTED_HEADER = {
    "adams-1826.txt": (3, 0), "roosevelt-1943.txt": (0, 0),
    "grant-1870.txt": (3, 0), "eisenhower-1954.txt": (0, 0),
    "monroe-1819.txt": (3, 0), "roosevelt-1908.txt": (0, 0),
    "washington-1791.txt": (3, 0), "arthur-1884.txt": (0, 0),
    "jefferson-1803.txt": (3, 0), "cleveland-1896.txt": (0, 0),
    "madison-1813.txt": (3, 0), "mckinley-1900.txt": (0, 0),
    "vanburen-1839.txt": (3, 0), "roosevelt-1904.txt": (0, 0),
    "washington-1792.txt": (3, 0), "cleveland-1886.txt": (0, 0),
    "fillmore-1851.txt": (3, 0), "roosevelt-1903.txt": (0, 0),
    "jefferson-1804.txt": (3, 0), "cleveland-1895.txt": (0, 0),
    "madison-1814.txt": (3, 0), "trump-2026.txt": (0, 0),
    "roosevelt-1936.txt": (3, 0), "jefferson-1802.txt": (0, 0),
    "biden-2023.txt": (3, 0), "buchanan-1860.txt": (0, 0),
    "adams-1797.txt": (3, 0), "coolidge-1925.txt": (0, 0),
    "taft-1909.txt": (3, 0), "obama-2013.txt": (0, 0),
    "arthur-1881.txt": (3, 0), "carter-1978.txt": (0, 0),
    "jackson-1836.txt": (3, 0), "eisenhower-1960.txt": (0, 0),
    "washington-1795.txt": (3, 0), "coolidge-1926.txt": (0, 0),
    "washington-1793.txt": (3, 0), "johnson-1969.txt": (0, 0),
    "wilson-1920.txt": (3, 0), "truman-1946.txt": (0, 0),
    "harrison-1889.txt": (3, 0), "clinton-1999.txt": (0, 0),
    "vanburen-1837.txt": (3, 0), "clinton-1995.txt": (0, 0),
    "abbott-boao-forum-2014.txt": (5, 0), "biden-ipef-launch-2022.txt": (0, 0),
    "biden-supply-chain-summit-2021.txt": (0, 0), "cameron-anticorruption-summit-2016.txt": (7, 0),
    "gillard-boao-forum-2013.txt": (4, 0), "harris-lusaka-climate-2023.txt": (5, 0),
    "rudd-cop13-bali-2007.txt": (6, 0), "sullivan-agoa-forum-2024.txt": (0, 0), MAIN: (0, 2),
    "bush-state-of-the-union-1990.txt": (0, 0), "carter-state-of-the-union-1979.txt": (4, 0),
    "johnson-state-of-the-union-1964.txt": (2, 0), "reagan-state-of-the-union-1986.md": (0, 0),
    "address-2002-01-29.txt": (0, 0), "roosevelt-1941.txt": (3, 0),
    "eisenhower-1957.txt": (3, 0), "ford-1975.txt": (0, 0),
    "nixon-1972.txt": (0, 2), "truman-1949-annual-message.txt": (4, 0),
    "bush-1991-state-of-the-union.txt": (0, 0), "wilson-1913.txt": (3, 0),
    "carter-1980.txt": (0, 0), "washington-1796.md": (0, 0),
    "fdr-1942-01-06.txt": (0, 0), "kennedy-1961.md": (0, 0),
    "fourth-annual-message.txt": (0, 0), "reagan-state-of-the-union-1987.txt": (3, 0),
    "1996-state-of-the-union.txt": (0, 0), "truman-1951-annual-message.txt": (3, 0),
    "jefferson-1801.md": (0, 0), "obama-2014-sotu.txt": (0, 0),
    "hoover-1930.txt": (0, 0), "kennedy-1962.txt": (0, 0),
    "coolidge-1923.md": (0, 0), "biden-2022.txt": (0, 0),
    "harding-1921.txt": (3, 0), "johnson-1966.txt": (0, 0),
    "lincoln-1862.md": (0, 0), "nixon-1970.txt": (0, 0),
    "grant-1876.txt": (3, 0), "obama-2016.txt": (0, 0),
    "monroe-1823.txt": (3, 0), "trump-2018.txt": (0, 0),
    "jackson-1831.txt": (3, 0), "cleveland-1887.txt": (0, 0),
    "taylor-1849.txt": (3, 0), "adams-1827.txt": (0, 0),
    "arthur-1883.txt": (3, 0), "hayes-1878.txt": (0, 0),
    "tyler-1843.txt": (3, 0), "fillmore-1850.txt": (0, 0),
    "pierce-1853.txt": (3, 0), "vanburen-1840.txt": (0, 0),
    "arthur-1882.txt": (3, 0), "truman-1953.txt": (0, 0),
    "roosevelt-1902.txt": (3, 0), "eisenhower-1955.txt": (0, 0),
    "johnson-1865.txt": (3, 0), "kennedy-1963.txt": (0, 0),
    "grant-1873.txt": (3, 0), "ford-1976.txt": (0, 0),
    "adams-1825.txt": (3, 0), "wilson-1915.txt": (0, 0),
    "madison-1816.txt": (3, 0), "clinton-1994.txt": (0, 0),
    "monroe-1818.txt": (3, 0), "harding-1922.txt": (0, 0),
    "jackson-1832.txt": (3, 0), "lincoln-1863.txt": (0, 0),
    "hoover-1932.txt": (0, 0), "bush-2006.txt": (3, 0),
    "johnson-1866.txt": (3, 0), "grant-1871.txt": (0, 0),
    "roosevelt-1944.txt": (0, 0), "johnson-1965.txt": (3, 0),
    "jefferson-1805.txt": (0, 0), "washington-1794.txt": (3, 0),
    "eisenhower-1956.txt": (0, 0), "wilson-1917.txt": (3, 0),
    "buchanan-1859.txt": (3, 0), "mckinley-1897.txt": (0, 0), "ford-1977.txt": (3, 0), "obama-2010.txt": (0, 0),
    "roosevelt-1938.txt": (3, 0), "eisenhower-1958.txt": (0, 0), "polk-1847.txt": (0, 0), "reagan-1984.txt": (3, 0),
    "roosevelt-1906.txt": (0, 0), "bush-2004.txt": (3, 0), "pierce-1855.txt": (3, 0), "roosevelt-1905.txt": (0, 0),
    "truman-1948.txt": (3, 0), "jackson-1834.txt": (0, 0),
    "obama-2011.txt": (3, 0), "lincoln-1864.txt": (0, 0),
    "lincoln-1861.txt": (3, 0), "coolidge-1927.txt": (0, 0),
    "trump-2020.txt": (3, 0), "tyler-1842.txt": (0, 0),
    "tyler-1841.txt": (3, 0), "wilson-1918.txt": (0, 0),
    "clinton-1998.txt": (3, 0), "fillmore-1852.txt": (0, 0),
    "hoover-1931.txt": (3, 0), "grant-1869.txt": (0, 0),
    "clinton-1997.txt": (3, 0), "hayes-1877.txt": (0, 0),
    "johnson-1868.txt": (3, 0), "bush-2003.txt": (0, 0),
    "monroe-1817.txt": (3, 0), "truman-1947.txt": (0, 0),
    "monroe-1821.txt": (3, 0), "coolidge-1924.txt": (0, 0),
    "reagan-1982.txt": (3, 0), "tyler-1844.txt": (0, 0),
    "trump-2019.txt": (3, 0), "harrison-1892.txt": (0, 0),
    "vanburen-1838.txt": (3, 0), "eisenhower-1959.txt": (0, 0),
    "adams-1799.txt": (3, 0), "biden-2024.txt": (0, 0),
    "hayes-1879.txt": (3, 0), "wilson-1919.txt": (0, 0),
    "washington-1790.txt": (3, 0), "wilson-1914.txt": (0, 0),
    "hayes-1880.txt": (3, 0), "reagan-1983.txt": (0, 0),
    "johnson-1867.txt": (3, 0), "reagan-1988.txt": (0, 0),
    "madison-1809.txt": (3, 0), "roosevelt-1937.txt": (0, 0),
    "cleveland-1893.txt": (3, 0), "nixon-1971.txt": (0, 0),
    "bush-2005.txt": (3, 0), "coolidge-1928.txt": (0, 0),
    "grant-1875.txt": (3, 0), "johnson-1967.txt": (0, 0),
    "adams-1800.txt": (3, 0), "roosevelt-1934.txt": (0, 0),
}
# Every document of a metaset-N-docs folder is filed under exactly three header lines at its top
# (their briefs; tests/data/questions/metaset-N/README.md).
EXPECTED_HEADER.update(dict.fromkeys(SET_DOCUMENT_DIRS, (3, 0)))

QA_TYPES = {"factoid", "paraphrase", "why/how", "list", "meta", "unanswerable"}
LANGS = {"en", "ru"}
SPLITS = {"dev", "heldout"}
WORDING_OUTCOMES = {"quote": {"verbatim", "close", "absent"}, "phrase": {"yes", "no"},
                    "mention": {"yes", "no"}, "count": {"count"}}

problems = []
warnings = []


def problem(msg):
    problems.append(msg)


# ----------------------------------------------------------------------------- documents
_texts = {}


def text_of(name):
    if name not in _texts:
        path = MAIN_PATH if name == MAIN else UNSEEN_DIRS.get(name, SET_DOCUMENT_DIRS.get(name, SPEECH_DIR)) / name
        _texts[name] = path.read_text(encoding="utf-8")
    return _texts[name]


def is_meta_line(line):
    m = re.match(r"^([A-Za-z][A-Za-z /-]*): \S", line)  # keys may hold a hyphen ("Sign-off day")
    return bool(m) and m.group(1) in HEADER_KEYS


def body_of(name):
    """The speech text without the leading / trailing `Key: value` metadata lines."""
    lines = text_of(name).removeprefix("\ufeff").splitlines()  # a byte-order mark is no text
    top = 0
    while top < len(lines) and is_meta_line(lines[top]):
        top += 1
    bottom = len(lines)
    while bottom > top and is_meta_line(lines[bottom - 1]):
        bottom -= 1
    if (top, len(lines) - bottom) != EXPECTED_HEADER[name]:
        problem(f"{name}: found {top} top / {len(lines) - bottom} bottom metadata lines, "
                f"expected {EXPECTED_HEADER[name]}")
    return "\n".join(lines[top:bottom])


def term_regex(term):
    """Case-insensitive whole-word match; X's / X’s counts as X; other inflections do not.
    A word boundary is any character that is not a letter, digit or underscore (so a hyphen or a
    space separates words: "U.S.-China" contains the word "China")."""
    return re.compile(r"(?<!\w)" + re.escape(term) + r"(?:['\u2019]s)?(?!\w)", re.IGNORECASE)


def count_occurrences(name, term):
    return len(term_regex(term).findall(body_of(name)))


def normalise(s):
    """Normalise only quote styles, dashes / `--`, whitespace and case."""
    s = s.casefold()
    s = re.sub("[\u2018\u2019\u201a\u201b\u2032`\u00b4]", "'", s)           # single quotes -> '
    s = re.sub("[\u201c\u201d\u201e\u201f\u00ab\u00bb\u2033\"]", "", s)     # double quotes dropped
    s = s.replace("--", "-")
    s = re.sub("[\u2010\u2011\u2012\u2013\u2014\u2015\u2212]", "-", s)      # all dashes -> -
    s = re.sub(r"\s*-\s*", "-", s)                                          # spacing around dashes
    s = re.sub(r"\s+", " ", s)
    return s.strip()


def normalise_term(t):
    return normalise(t).strip(" .,;:!?")


# ----------------------------------------------------------------------------- corpus integrity
def check_corpus():
    sources = (SPEECH_DIR / "SOURCES.md").read_text(encoding="utf-8")
    for name in SPEECHES:
        path = SPEECH_DIR / name
        if not path.is_file():
            problem(f"missing speech {path}")
            continue
        m = re.search(r"^\| `" + re.escape(name) + r"`[^|]*\|[^|]*\|[^|]*\|[^|]*\| ([\d,]+) \|", sources, re.M)
        if not m:
            problem(f"SOURCES.md has no row for {name}")
        elif len(text_of(name)) != int(m.group(1).replace(",", "")):
            problem(f"{name}: {len(text_of(name))} chars, SOURCES.md says {m.group(1)}")
        body_of(name)
    for name, folder in UNSEEN_DIRS.items():
        if not (folder / name).is_file():
            problem(f"missing speech {folder / name}")
            continue
        if f"`{name}`" not in (folder / "SOURCES.md").read_text(encoding="utf-8"):
            problem(f"{folder.name}/SOURCES.md has no row for {name}")
        body_of(name)
    if not MAIN_PATH.is_file():
        problem(f"missing main speech {MAIN_PATH}")
    else:
        body_of(MAIN)


# ----------------------------------------------------------------------------- helpers
def load(path):
    rows = []
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            if not line.strip():
                problem(f"{path.name}:{n}: empty line")
                continue
            try:
                rows.append(json.loads(line))
            except json.JSONDecodeError as e:
                problem(f"{path.name}:{n}: bad JSON: {e}")
    return rows


def need(row, fields, where):
    ok = True
    for field, typ in fields.items():
        if field not in row:
            problem(f"{where}: missing field {field!r}")
            ok = False
        elif not isinstance(row[field], typ):
            problem(f"{where}: field {field!r} has type {type(row[field]).__name__}")
            ok = False
    return ok


def check_evidence(doc, ev, where):
    if not isinstance(ev, str) or not ev.strip():
        problem(f"{where}: empty or non-string evidence {ev!r}")
        return
    n = text_of(doc).count(ev)
    if n == 0:
        problem(f"{where}: evidence not found in {doc}: {ev!r}")
    elif n > 1:
        warnings.append(f"{where}: evidence occurs {n} times in {doc}: {ev!r}")


QA_FIELDS = {"id": str, "question": str, "evidence": list, "answer": str, "type": str, "lang": str, "split": str}


def check_qa_row(row, where, doc):
    if row["type"] not in QA_TYPES:
        problem(f"{where}: unknown type {row['type']!r}")
    if row["lang"] not in LANGS:
        problem(f"{where}: unknown lang {row['lang']!r}")
    if row["split"] not in SPLITS:
        problem(f"{where}: unknown split {row['split']!r}")
    if (row["type"] == "unanswerable") != (row["evidence"] == []):
        problem(f"{where}: type {row['type']} but {len(row['evidence'])} evidence strings")
    if "names_doc" in row and row["names_doc"] is not True:
        problem(f"{where}: names_doc must be true when present")
    if not row["question"].strip() or not row["answer"].strip():
        problem(f"{where}: empty question or answer")
    for ev in row["evidence"]:
        check_evidence(doc, ev, where)


def cyrillic(s):
    return bool(re.search("[\u0400-\u04ff]", s))


# ----------------------------------------------------------------------------- per-file checks
def check_per_speech(path, rows):
    doc = path.stem + ".txt"
    stats = collections.Counter()
    for i, row in enumerate(rows, 1):
        where = f"{path.name}#{i}"
        if not need(row, {**QA_FIELDS, "doc": str}, where):
            continue
        where = f"{path.name} {row['id']}"
        if row["doc"] != doc:
            problem(f"{where}: doc {row['doc']!r} does not match file name")
        check_qa_row(row, where, doc)
        want = "heldout" if doc in HELDOUT_SPEECHES else "dev"
        if row["split"] != want:
            problem(f"{where}: split {row['split']} but should be {want}")
        if row["lang"] == "ru" and not cyrillic(row["question"]):
            problem(f"{where}: lang ru but question has no Cyrillic")
        stats[row["lang"]] += 1
        if row["lang"] == "en":
            stats["en_" + row["type"]] += 1
        else:
            stats["ru_" + row["type"]] += 1
        stats["names_doc"] += bool(row.get("names_doc"))
        stats["unanswerable"] += row["type"] == "unanswerable"
    if stats["en"] < 22:
        problem(f"{path.name}: {stats['en']} English questions, need at least 22")
    if stats["ru"] != 3 or stats["ru_meta"] != 1:
        problem(f"{path.name}: need 3 Russian questions including exactly 1 meta "
                f"(have {stats['ru']}, meta {stats['ru_meta']})")
    if stats["en_meta"] < 2:
        problem(f"{path.name}: {stats['en_meta']} English meta questions, need at least 2")
    if stats["names_doc"] != 3:
        problem(f"{path.name}: {stats['names_doc']} names_doc questions, need 3")
    frac = stats["unanswerable"] / max(1, len(rows))
    if not 0.15 <= frac <= 0.30:
        problem(f"{path.name}: unanswerable fraction {frac:.2f} is not about a fifth")
    for t in ("factoid", "paraphrase", "why/how", "list"):
        if stats["en_" + t] == 0:
            problem(f"{path.name}: no English {t} question")


def check_unseen(path, rows):
    en = 0
    unans = 0
    for i, row in enumerate(rows, 1):
        where = f"{path.name}#{i}"
        if not need(row, {**QA_FIELDS, "doc": str}, where):
            continue
        where = f"{path.name} {row['id']}"
        if row["doc"] != MAIN:
            problem(f"{where}: doc must be {MAIN}")
        check_qa_row(row, where, MAIN)
        if row["lang"] == "en":
            en += 1
            unans += row["type"] == "unanswerable"
            if i > 40:
                problem(f"{where}: English question after position 40")
        elif i <= 40:
            problem(f"{where}: Russian question inside positions 1-40")
        # held out: positions 31-40 and the last 2 Russian questions (positions 43-44)
        want = "heldout" if (31 <= i <= 40 or i > len(rows) - 2) else "dev"
        if row["split"] != want:
            problem(f"{where}: split {row['split']} but position {i} should be {want}")
    if en != 40 or len(rows) != 44:
        problem(f"{path.name}: need 40 English + 4 Russian questions, have {en} + {len(rows) - en}")
    if unans != 10:
        problem(f"{path.name}: {unans} unanswerable English questions, need 10 (25%)")


def doc_of(path):
    """The document a per-speech question file is about: its stem, as .md or .txt."""
    return path.stem + (".md" if path.stem + ".md" in UNSEEN_SPEECHES else ".txt")


def round_rows(path, rows, folder):
    """(position, row, where) for each row of a round's per-speech file that has the fields of
    a QA row, once its document and its QA fields are checked (``check_qa_row``)."""
    doc = doc_of(path)
    for i, row in enumerate(rows, 1):
        if not need(row, {**QA_FIELDS, "doc": str}, f"{folder}/{path.name}#{i}"):
            continue
        where = f"{folder}/{path.name} {row['id']}"
        if row["doc"] != doc:
            problem(f"{where}: doc {row['doc']!r} does not match file name")
        check_qa_row(row, where, doc)
        yield i, row, where


def check_round2(path, rows):
    """Round 2 (SPLIT.md, "Round 2"): 30 English (12 unanswerable) + 3 Russian (1 unanswerable) per
    speech, 36 + 3 (14 unanswerable) for the main speech; English first."""
    doc = path.stem + ".txt"
    main = doc == MAIN
    want_en, want_unans = (36, 14) if main else (30, 12)
    en = unans = ru = ru_unans = 0
    for i, row, where in round_rows(path, rows, "round2"):
        if row["lang"] == "en":
            en += 1
            unans += row["type"] == "unanswerable"
            if i > want_en:
                problem(f"{where}: English question after position {want_en}")
        else:
            ru += 1
            ru_unans += row["type"] == "unanswerable"
            if not cyrillic(row["question"]):
                problem(f"{where}: lang ru but question has no Cyrillic")
        if doc in HELDOUT_SPEECHES:
            want = "heldout"
        elif main:
            want = "heldout" if (25 <= i <= 36 or i == len(rows)) else "dev"
        else:
            want = "dev"
        if row["split"] != want:
            problem(f"{where}: split {row['split']} but position {i} should be {want}")
    if (en, unans, ru, ru_unans) != (want_en, want_unans, 3, 1):
        problem(f"round2/{path.name}: {en} English ({unans} unanswerable) + {ru} Russian ({ru_unans} unanswerable); "
                f"need {want_en} ({want_unans}) + 3 (1)")


def heldout_rows(path, rows, folder):
    """``round_rows`` of a set held out entirely, each checked to say so."""
    for i, row, where in round_rows(path, rows, folder):
        if row["split"] != "heldout":
            problem(f"{where}: split {row['split']}, but {folder} is held out entirely")
        yield i, row, where


def check_heldout_round(path, rows, folder):
    """Rounds 3 to 6 (their README.md files): every question held out; at least a fifth
    unanswerable."""
    unans = 0
    for _, row, where in heldout_rows(path, rows, folder):
        unans += row["type"] == "unanswerable"
        if row["lang"] == "ru" and not cyrillic(row["question"]):
            problem(f"{where}: lang ru but question has no Cyrillic")
    if unans * 5 < len(rows):
        problem(f"{folder}/{path.name}: {unans} unanswerable of {len(rows)}, need a fifth")


# Rounds written after round 2: each held out entirely (``check_heldout_round``), run or not.
HELDOUT_ROUNDS = tuple(question_sets.ROUNDS)


def check_document_set(path, rows, folder):
    """A set on documents already in the corpus (``question_sets.DOCUMENT_SETS``): every question
    held out; a meta question's evidence lies in a metadata line, any other's in the body."""
    body = body_of(doc_of(path))
    for _, row, where in heldout_rows(path, rows, folder):
        for ev in row["evidence"]:
            if (row["type"] == "meta") == (ev in body):
                problem(f"{where}: {row['type']} evidence {'in' if ev in body else 'outside'} the body: {ev!r}")


def check_compare(path, rows):
    for i, row in enumerate(rows, 1):
        where = f"{path.name}#{i}"
        if not need(row, {**QA_FIELDS, "doc": list, "evidence_doc": list}, where):
            continue
        where = f"{path.name} {row['id']}"
        if row["type"] != "compare":
            problem(f"{where}: type must be compare")
        if row["split"] not in SPLITS or row["lang"] not in LANGS:
            problem(f"{where}: bad split or lang")
        docs = row["doc"]
        if len(docs) < 2 or len(set(docs)) != len(docs):
            problem(f"{where}: need at least 2 distinct docs")
        for d in docs:
            if d not in SPEECHES and d != MAIN:
                problem(f"{where}: unknown doc {d}")
        if len(row["evidence_doc"]) != len(row["evidence"]) or not row["evidence"]:
            problem(f"{where}: evidence_doc must match evidence one to one")
            continue
        for ev, d in zip(row["evidence"], row["evidence_doc"]):
            if d not in docs:
                problem(f"{where}: evidence_doc {d} not in doc list")
                continue
            check_evidence(d, ev, where)
            for other in docs:
                if other != d and ev in text_of(other):
                    problem(f"{where}: evidence also occurs in {other}: {ev!r}")
        want = "heldout" if any(d in HELDOUT_SPEECHES for d in docs) else "dev"
        if row["split"] != want:
            problem(f"{where}: split {row['split']} but should be {want}")
    if len(rows) < 12:
        problem(f"{path.name}: {len(rows)} questions, need at least 12")


def check_wording(path, rows):
    n = len(rows)
    kinds = collections.Counter()
    outcomes = collections.Counter()
    docs = set()
    for i, row in enumerate(rows, 1):
        where = f"{path.name}#{i}"
        fields = {"id": str, "question": str, "doc": str, "kind": str, "outcome": str, "term": str,
                  "evidence": list, "lang": str, "split": str}
        if not need(row, fields, where) or "count" not in row:
            if "count" not in row:
                problem(f"{where}: missing field 'count'")
            continue
        where = f"{path.name} {row['id']}"
        doc, kind, outcome, term = row["doc"], row["kind"], row["outcome"], row["term"]
        if doc not in SPEECHES and doc != MAIN:
            problem(f"{where}: unknown doc {doc}")
            continue
        docs.add(doc)
        if kind not in WORDING_OUTCOMES or outcome not in WORDING_OUTCOMES[kind]:
            problem(f"{where}: bad kind/outcome {kind}/{outcome}")
            continue
        kinds[kind] += 1
        outcomes[(kind, outcome)] += 1
        for ev in row["evidence"]:
            check_evidence(doc, ev, where)
        body_n = normalise(body_of(doc))
        present = normalise_term(term) in body_n
        if kind == "count":
            expected = count_occurrences(doc, term)
            if row["count"] != expected:
                problem(f"{where}: count {row['count']} but the rule gives {expected} for {term!r}")
            if len(row["evidence"]) != expected:
                problem(f"{where}: {len(row['evidence'])} evidence strings for {expected} occurrences")
            for ev in row["evidence"]:
                if not term_regex(term).search(ev):
                    problem(f"{where}: evidence {ev!r} does not contain {term!r}")
                elif ev not in body_of(doc):
                    problem(f"{where}: evidence {ev!r} lies outside the speech body")
        else:
            if row["count"] is not None:
                problem(f"{where}: count must be null for kind {kind}")
            if kind == "mention":
                c = count_occurrences(doc, term)
                if (c > 0) != (outcome == "yes"):
                    problem(f"{where}: mention {outcome} but {c} whole-word occurrences of {term!r}")
                if outcome == "yes" and not row["evidence"]:
                    problem(f"{where}: mention yes needs evidence")
                if outcome == "yes":
                    for ev in row["evidence"]:
                        if not term_regex(term).search(ev):
                            problem(f"{where}: evidence {ev!r} does not contain {term!r}")
            elif kind == "phrase":
                if present != (outcome == "yes"):
                    problem(f"{where}: phrase {outcome} but present={present}")
                if outcome == "yes":
                    if not row["evidence"] or not all(normalise_term(term) in normalise(e) for e in row["evidence"]):
                        problem(f"{where}: phrase yes needs evidence containing the phrase")
            elif kind == "quote":
                if present != (outcome == "verbatim"):
                    problem(f"{where}: quote {outcome} but verbatim-after-normalising={present}")
                if outcome == "verbatim" and not any(normalise_term(term) in normalise(e) for e in row["evidence"]):
                    problem(f"{where}: verbatim quote needs evidence containing it")
                if outcome == "close" and not row["evidence"]:
                    problem(f"{where}: close quote needs the real wording as evidence")
            if outcome in ("no", "absent") and row["evidence"]:
                problem(f"{where}: outcome {outcome} must have empty evidence")
        if row["lang"] not in LANGS or (row["lang"] == "ru") != cyrillic(row["question"]):
            problem(f"{where}: lang {row['lang']} does not fit the question")
        want = "heldout" if i > n - n // 3 else "dev"
        if row["split"] != want:
            problem(f"{where}: split {row['split']} but position {i} of {n} should be {want}")
    if n < 36:
        problem(f"{path.name}: {n} questions, need at least 36")
    if len(docs - {MAIN}) < 4 or MAIN not in docs:
        problem(f"{path.name}: must cover the main speech and at least 4 others")
    if outcomes[("quote", "verbatim")] < 4 or outcomes[("quote", "close")] < 4 or outcomes[("quote", "absent")] < 2:
        problem(f"{path.name}: quote mix too thin: {dict(outcomes)}")
    return kinds, outcomes


# ----------------------------------------------------------------------------- main
def main():
    quiet = "--quiet" in sys.argv
    check_corpus()
    files = sorted(QDIR.glob("*.jsonl"))
    expected = {Path(s).stem + ".jsonl" for s in SPEECHES} | {"compare.jsonl", "central-asia-unseen.jsonl",
                                                              "wording.jsonl"}
    found = {f.name for f in files}
    for missing in sorted(expected - found):
        problem(f"missing file {missing}")
    for extra in sorted(found - expected):
        problem(f"unexpected file {extra}")
    split_md = (QDIR / "SPLIT.md")
    if not split_md.is_file() or not (QDIR / "README.md").is_file():
        problem("SPLIT.md or README.md missing")
    else:
        s = split_md.read_text(encoding="utf-8")
        for name in HELDOUT_SPEECHES:
            if name not in s:
                problem(f"SPLIT.md does not name held-out speech {name}")

    ids = collections.Counter()
    grand = collections.Counter()
    lines = []
    for path in files:
        rows = load(path)
        for r in rows:
            ids[r.get("id")] += 1
        if path.name == "compare.jsonl":
            check_compare(path, rows)
            by = collections.Counter(r.get("type") for r in rows)
        elif path.name == "central-asia-unseen.jsonl":
            check_unseen(path, rows)
            by = collections.Counter(r.get("type") for r in rows)
        elif path.name == "wording.jsonl":
            kinds, outcomes = check_wording(path, rows)
            by = collections.Counter({f"{k}:{o}": v for (k, o), v in outcomes.items()})
        else:
            check_per_speech(path, rows)
            by = collections.Counter(r.get("type") for r in rows)
        sp = collections.Counter(r.get("split") for r in rows)
        lang = collections.Counter(r.get("lang") for r in rows)
        nd = sum(bool(r.get("names_doc")) for r in rows)
        grand["total"] += len(rows)
        grand["dev"] += sp["dev"]
        grand["heldout"] += sp["heldout"]
        lines.append(f"{path.name:44s} {len(rows):3d}  dev {sp['dev']:3d}  heldout {sp['heldout']:3d}  "
                     f"en {lang['en']:3d}  ru {lang['ru']:2d}  names_doc {nd}\n    "
                     + ", ".join(f"{k} {v}" for k, v in sorted(by.items())))
    for folder in ("round2", *HELDOUT_ROUNDS, *UNSEEN, *question_sets.DOCUMENT_SETS):
        for path in sorted((QDIR / folder).glob("*.jsonl")):
            rows = load(path)
            for r in rows:
                ids[r.get("id")] += 1
            if folder == "round2":
                check_round2(path, rows)
            elif folder in question_sets.DOCUMENT_SETS:
                check_document_set(path, rows, folder)
            else:
                check_heldout_round(path, rows, folder)
            if not {path.stem + ".txt", path.stem + ".md"} & {*SPEECHES, *UNSEEN_SPEECHES, *SET_DOCUMENT_DIRS, MAIN}:
                problem(f"{folder}/{path.name}: no such speech")
            sp = collections.Counter(r.get("split") for r in rows)
            grand["total"] += len(rows)
            grand["dev"] += sp["dev"]
            grand["heldout"] += sp["heldout"]
            types = collections.Counter(r.get("type") for r in rows)
            lines.append(f"{folder}/{path.name:37s} {len(rows):3d}  dev {sp['dev']:3d}  heldout {sp['heldout']:3d}  "
                         + ", ".join(f"{k} {v}" for k, v in sorted(types.items())))
    for k, v in ids.items():
        if v > 1:
            problem(f"duplicate id {k!r} ({v} times)")

    print("\n".join(lines))
    print(f"TOTAL {grand['total']} questions: dev {grand['dev']}, heldout {grand['heldout']}")
    if warnings and not quiet:
        for w in warnings:
            print("WARNING", w)
    if problems:
        for p in problems:
            print("PROBLEM", p)
        print(f"{len(problems)} problem(s)")
        return 1
    print(f"OK ({len(warnings)} warning(s))")
    return 0


if __name__ == "__main__":
    sys.exit(main())
