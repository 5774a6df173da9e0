"""The paper's published numbers (Karkada et al., NeurIPS 2025, arXiv 2502.09863), the reference
that this run's tables, figures and summary are compared with. Plain data: the text outputs
import it without a plotting library."""

# Wikipedia, V=10,000, d=200, Google analogies, paper protocol. Their word2vec is tied-weight SGNS
# trained by SGD (the dynamics run sgns-tied here), not gensim's.
PAPER_ANALOGY = {"sgns-tied": 0.68, "qwem": 0.66, "ppmi": 0.51}

# The topics the paper reads off its top three eigenvectors of M* (English Wikipedia), in rank
# order.
PAPER_EIGENFEATURES = [
    "celebrity biographies",
    "government / municipal administration",
    "geography / cartography",
]
PAPER_EIGENFEATURES_SOURCE = "Karkada et al., NeurIPS 2025"
