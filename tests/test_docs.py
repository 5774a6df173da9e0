"""What the documentation claims: measured numbers quoted as bench/README.md gives them, with the
run they come from, and no claim that nothing measured."""

import re

from conftest import REPO

BENCH = (REPO / "bench/README.md").read_text()
# Every page, preset and docstring that states how long something takes or what a run scored.
CLAIMS = [
    REPO / "README.md",
    REPO / "bench/README.md",
    REPO / "config/README.md",
    *sorted((REPO / "docs").glob("*.md")),
    *sorted((REPO / "config").glob("*.yaml")),
    *sorted((REPO / "src/qwemflow").glob("*.py")),
    *sorted((REPO / "workflow/report").glob("*.rst")),
    REPO / "bench/scaling.py",
]


def flat(text: str) -> str:
    """text with YAML or Python comment marks dropped and all whitespace one space, so that a
    sentence wrapped over lines is found whole."""
    return " ".join(re.sub(r"^\s*#", "", text, flags=re.MULTILINE).split())


def section(text: str, heading: str) -> str:
    """One Markdown section: from its heading to the next heading of any level."""
    start = text.index(f"\n{heading}\n")
    end = text.find("\n#", start + len(heading) + 2)
    return text[start : end if end >= 0 else None]


def stage_wall_minutes(row_start: str) -> str:
    """The wall time (minutes) of a row of bench/README.md's stage table, the 48bc7a9 run."""
    stages = section(BENCH, "## The paper preset on a 32M-word Wikipedia extract")
    match = re.search(rf"^\| {re.escape(row_start)}[^|]*\| ([\d.]+) min \[", stages, re.MULTILINE)
    return match.group(1)


def test_no_gpu_timing_that_nothing_measured():
    """The CUDA path has not been timed (bench/README.md, "Array backends"): no page gives a
    duration on a GPU, and PyTorch's build for a CUDA version comes from PyTorch's own selector."""
    claim = re.compile(r"\b(?:seconds|minutes|hours|min|h)\s+on\s+a\s+GPU", re.IGNORECASE)
    found = [path.name for path in CLAIMS if claim.search(flat(path.read_text()))]
    assert found == []
    readme = flat((REPO / "README.md").read_text())
    assert "picks the build" not in readme
    assert "https://pytorch.org/get-started/locally/" in readme


def test_the_forecast_quotes_the_stage_tables_run():
    """The untied gensim job and the QWEM run on the 32M-word extract: one measurement each (the
    stage table's run, commit 48bc7a9), quoted the same where the forecast is held to it."""
    gensim, qwem = (
        stage_wall_minutes("gensim's untied baseline"),
        stage_wall_minutes("the QWEM run"),
    )
    assert (gensim, qwem) == ("14.5", "8.0")
    measured = flat(section(BENCH, "### Forecast against measured"))
    assert "(measured at 48bc7a9" in measured
    assert f"| gensim, untied (1 worker) | 14.7 min | {gensim} min [14.0] |" in measured
    assert f"| the QWEM run | 7.1 min | {qwem} min [7.5] |" in measured
    for path in (REPO / "README.md", REPO / "bench/README.md", REPO / "docs/usage.md"):
        assert "17.3" not in path.read_text(), path.name


def test_top_eigenpairs_quoted_with_their_matrix():
    text = flat((REPO / "src/qwemflow/eigensolver.py").read_text())
    assert "113 s" not in text
    assert "5.7-8.0 s against 5.3-10.2 s" in text
    assert "(V = 5,000, k = 200: 5.7–8.0 s against LAPACK's 5.3–10.2 s" in flat(BENCH)


def test_the_papers_corpus_is_named_one_way():
    """The paper's corpus is English Wikipedia's articles of at least 500 words; the 4 billion
    tokens are all of Wikipedia (bench/scaling.py's projection), not the paper's corpus."""
    for path in CLAIMS:
        text = flat(path.read_text())
        assert not re.search(r"1\.5\s*-\s*2\s*(?:B\b|billion)", text), path.name
        assert "The paper used all of English Wikipedia" not in text, path.name
    for path in (REPO / "README.md", REPO / "bench/README.md", REPO / "workflow/report/corpus.rst"):
        assert "English Wikipedia's articles of at least 500 words" in flat(path.read_text())


def test_raw_words_and_normalized_tokens_are_not_mixed():
    """The extract: 32M words before normalization, 34.6M tokens after it in the articles kept."""
    for path in (REPO / "README.md", REPO / "bench/README.md", REPO / "docs/usage.md"):
        assert "34.6M words" not in path.read_text(), path.name
    assert "32M words before normalization" in flat(BENCH)
    assert "34.6M tokens after text8 normalization" in flat(BENCH)


def test_full_batch_preset_credits_each_score_to_its_run():
    """with-full-batch-sgns.yaml quotes bench/README.md's V = 3,000 run (70.6% at 30 τ₁) for
    V = 3,000, and the 63.1% of the run on the V = 10,000 statistics for that run."""
    row = re.search(r"full-batch GD to 30 τ₁ \([\d,]+ steps\) \| ([\d.]+%)", BENCH).group(1)
    assert row == "70.6%"
    assert "the same full-batch run scored 63.1% at 30 τ₁" in flat(BENCH)
    preset = flat((REPO / "config/with-full-batch-sgns.yaml").read_text())
    assert f"at V = 3,000 it scored {row} at 30 tau_1" in preset
    assert "of the V = 10,000 statistics, 63.1%" in preset


def test_no_catalog_usage_that_the_layout_cannot_keep():
    """The Snakemake workflow catalog's standardized usage (snakedeploy, --directory .test) needs
    workflow/Snakefile and config/config.yaml; this repository keeps its Snakefile and config at
    the top and its logic in a package, so it declares none, and the README says how to use it."""
    standard = (REPO / "workflow/Snakefile").exists() and (REPO / "config/config.yaml").exists()
    assert standard or not (REPO / ".snakemake-workflow-catalog.yml").exists()
    readme = flat((REPO / "README.md").read_text())
    assert "It is not laid out for `snakedeploy deploy-workflow`" in readme
    assert "test_imported_as_a_module_from_another_directory" in readme
    test = (REPO / "tests/test_workflow.py").read_text()
    assert "def test_imported_as_a_module_from_another_directory(" in test
