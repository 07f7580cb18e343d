"""Table builders that generate C tables of the library (not needed at run time):

- `c2detect.tools.dga_ngrams`: the n-gram tables (lib/dga/ngram_table.c);
- `c2detect.tools.dga_vocab`: the vocabulary trie (lib/dga/vocab_table.c).
"""
