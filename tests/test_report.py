"""The main job's HTML report, opened in headless Chromium (Debian's chromium + chromedriver)."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml
from conftest import REPO, run_snakemake

from qwemflow.summary import MODEL_LABELS

ARTIFACTS = REPO / "tests" / "artifacts"
# category -> files the report must show in it: every figure of the paper, the table, the summary
EXPECTED = {
    "Summary": {"summary.html", "provenance.json"},
    "Benchmarks": {"table.png"},
    "Spectra": {"eigenfeatures.png"},
    "Dynamics": {"fig1.png", "fig2.png", "learning_curve.png", "ablation.png"},
    "Linear representations": {"fig4.png", "top1.png", "target_spectra.png", "overlap.png"},
    "Performance": {"performance.png"},
    "Forecast": {"jobs.csv", "summary.json"},
}


def shown_files(browser, report, category: str) -> set[str]:
    """Open the report, then a category of its menu, and read the file names it lists."""
    from selenium.common.exceptions import (
        ElementClickInterceptedException,
        StaleElementReferenceException,
    )
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    def click_category(driver) -> bool:
        driver.find_element(By.XPATH, f"//*[@id='app']//a[normalize-space(.)='{category}']").click()
        return True

    browser.get(report.as_uri())
    # the menu animates in: a click while it moves lands on its neighbour and is retried
    settling = (ElementClickInterceptedException, StaleElementReferenceException)
    WebDriverWait(browser, 60, ignored_exceptions=settling).until(click_category)
    WebDriverWait(browser, 30).until(
        lambda d: re.search(r"\.(png|html|csv|json)\b", d.find_element(By.ID, "app").text)
    )
    return set(
        re.findall(r"[\w.-]+\.(?:png|html|csv|json)\b", browser.find_element(By.ID, "app").text)
    )


def test_table_caption_names_every_row_of_the_default_table():
    """The benchmark table's caption in the report describes each of its rows by its label, the
    paper's tied word2vec and the untied baseline included."""
    config = yaml.safe_load((REPO / "config.yaml").read_text())
    models = [
        "sgns",
        "sgns-tied",
        *config["spectral"]["targets"],
        *config["dynamics"]["table_runs"],
    ]
    caption = " ".join((REPO / "workflow/report/table.rst").read_text().split())
    assert [MODEL_LABELS[model] for model in models if MODEL_LABELS[model] not in caption] == []


@pytest.mark.workflow
def test_main_job_ends_with_a_report_that_renders(default_run, browser):
    report = default_run / "results" / "report.html"
    assert report.stat().st_size > 500_000  # figures are embedded
    for category, names in EXPECTED.items():
        shown = shown_files(browser, report, category)
        assert names <= shown, f"{category}: missing {names - shown}; shown: {shown}"
        if category == "Dynamics":
            ARTIFACTS.mkdir(exist_ok=True)
            browser.save_screenshot(str(ARTIFACTS / "report-dynamics.png"))
    assert (ARTIFACTS / "report-dynamics.png").stat().st_size > 10_000


@pytest.mark.workflow
def test_changing_a_plotting_option_reruns_only_plotting(default_run, tmp_path):
    """The figure rules read saved numbers and take their style from config: a new style reruns them alone."""
    config = (default_run / "config.yaml").read_text()
    assert "font_size: 10" in config
    changed = tmp_path / "restyled.yaml"
    changed.write_text(config.replace("font_size: 10", "font_size: 12"))
    plan = run_snakemake(default_run, "--dry-run", "--configfile", str(changed)).stdout
    planned = set(re.findall(r"^(?:local)?rule (\w+):", plan, flags=re.MULTILINE)) - {
        "all"
    }  # the target itself
    plotting = {
        "table_figure",
        "eigenfeatures_figure",
        "fig1",
        "fig2",
        "learning_curve",
        "ablation",
        "fig4",
        "top1_figure",
        "target_spectra",
        "embedding_overlap",
        "rise_times",
    }
    # the table of every job's cost is read from the benchmark files in the same job
    assert planned == plotting | {"performance"}, plan[-3000:]


SAMPLE = "results/enwiki-sample"
SETTING = "V2000_L16_d50"
FIGURES = f"{SAMPLE}/figures/{SETTING}"
# the captioned files whose captions print config values, as the report names them
CAPTIONED = {
    "ablation": f"{FIGURES}/ablation.png",
    "fig1": f"{FIGURES}/fig1.png",
    "fig2": f"{FIGURES}/fig2.png",
    "learning_curve": f"{FIGURES}/learning_curve.png",
    "rise_times": f"{FIGURES}/rise_times.png",
    "overlap": f"{FIGURES}/overlap.png",
    "fig4": f"{SAMPLE}/figures/V2000_L16/fig4.png",
    "corpus": f"{SAMPLE}/summary/{SETTING}/corpus.csv",
}


def plain_text(markup: str) -> str:
    """Rendered HTML as the reader sees it: tags dropped, entities decoded, one space between words."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", markup)).split())


def report_captions(report: Path) -> dict[str, str]:
    """The rendered caption of every file in Snakemake's HTML report, by the file's path, and the
    workflow's description under "workflow": read from the data the report's page shows (its
    `results` and `workflow_desc`)."""
    page = report.read_text()
    decoder = json.JSONDecoder()
    results, _ = decoder.raw_decode(page, page.rindex("var results = ") + len("var results = "))
    description, _ = decoder.raw_decode(
        page, page.index("var workflow_desc = ") + len("var workflow_desc = ")
    )
    captions = {path: plain_text(entry["caption"]) for path, entry in results.items()}
    return {**captions, "workflow": plain_text(description)}


def number_after(text: str, before: str) -> float:
    """The number that follows `before` in `text` (before is a regular expression)."""
    found = re.search(before + r"\s*(\d[\d.e+-]*\d|\d)", text)
    assert found, f"no number after {before!r} in: {text}"
    return float(found.group(1))


def dynamics_log_line(run_dir: Path, run: str) -> dict[str, str]:
    """What a dynamics job logged it trained with (qwemflow.dynamics.run_dynamics's first line)."""
    log = (run_dir / f"logs/enwiki-sample/dynamics/{SETTING}/{run}.log").read_text()
    found = re.search(
        rf"{re.escape(run)}: (?P<loss>\S+) loss, (?P<weights>.+?) weights, (?P<words>\d+) words,"
        r" init (?P<init>\S+), eta = (?P<lr>\S+) / lambda_1",
        log,
    )
    assert found, log[:2000]
    return found.groupdict()


def panel_line(caption: str, panel: str) -> str:
    """The ablation caption's line of one panel, from its title to the next line's."""
    found = re.search(rf"{re.escape(panel)}: run (.+?) tau_1", caption)
    assert found, f"no line for panel {panel!r} in: {caption}"
    return found.group(0)


@pytest.mark.workflow
def test_captions_print_what_the_jobs_used(default_run):
    """Each value a caption prints is the one its jobs used, as their logs and outputs record it
    (not the config key of another model): word2vec's reweighting in the ablation uses the tied
    word2vec's sample (1e-4), not the untied baseline's (1e-3)."""
    captions = report_captions(default_run / "results/report.html")
    config = yaml.safe_load((default_run / "config.yaml").read_text())
    results = default_run / SAMPLE
    ablation = captions[CAPTIONED["ablation"]]
    # the two samples differ in the default config, so printing the wrong key would show
    assert config["word2vec"]["sample"] != config["tied_word2vec"]["sample"]
    reweighted = dynamics_log_line(default_run, "sgns-word2vec")["weights"]
    used = float(re.fullmatch(r"word2vec \(sample (\S+)\)", reweighted).group(1))
    assert number_after(ablation, r"tied_word2vec\.sample =") == used
    # the panels in the config's reading order, each with the settings its run logged
    panels = config["figures"]["ablation"]["panels"]
    positions = [ablation.index(f"{panel}: run {run} ") for panel, run in panels.items()]
    assert positions == sorted(positions)
    for panel, run in panels.items():
        line, logged = panel_line(ablation, panel), dynamics_log_line(default_run, run)
        assert f"(loss {logged['loss']}, reweighting {logged['weights'].split()[0]})" in line
        assert number_after(line, "init") == float(logged["init"])
        assert number_after(line, "learning rate") == float(logged["lr"])
        assert number_after(line, "the") == int(logged["words"])  # its top_words
    # Figures 1 and 2 and the rise times: QWEM's runs as they logged them; the tied word2vec's
    # epochs from the words its trajectory trained on (epochs x the corpus's in-vocabulary
    # tokens), its other settings as the provenance record holds the config the rules read
    fig2_runs = config["figures"]["fig2"]
    record = json.loads((results / f"summary/{SETTING}/provenance.json").read_text())
    tied = record["config"]["tied_word2vec"]
    with np.load(results / f"dynamics/{SETTING}/word2vec-tied.npz") as trajectory:
        trained = int(trajectory["words"][-1])
    in_vocabulary = sum(
        int(line.split("\t")[1]) for line in (results / "vocab/V2000.tsv").read_text().splitlines()
    )
    assert trained % in_vocabulary == 0
    epochs = trained // in_vocabulary
    for name in ("fig1", "fig2"):
        caption = captions[CAPTIONED[name]]
        small = dynamics_log_line(default_run, fig2_runs["small_init_run"])
        assert re.search(rf"run {re.escape(fig2_runs['small_init_run'])}\b", caption)
        assert number_after(
            caption, "from init" if name == "fig1" else "small init: run \\S+, init"
        ) == float(small["init"])
        assert number_after(caption, "learning rate") == float(small["lr"])
        assert number_after(caption, "tied gensim,") == epochs
        assert number_after(caption, "with negative") == tied["negative"]
        assert number_after(caption, "and sample") == tied["sample"]
        assert number_after(caption, "and sample \\S+ from init") == tied["init"]
    rise = captions[CAPTIONED["rise_times"]]
    assert number_after(rise, "negative =") == tied["negative"]
    assert number_after(rise, "sample =") == tied["sample"]
    assert number_after(rise, "init") == tied["init"]
    assert number_after(rise, "alpha =") == tied["alpha"]
    assert number_after(rise, "sample = \\S+") == epochs
    fig2 = captions[CAPTIONED["fig2"]]
    large = dynamics_log_line(default_run, fig2_runs["large_init_run"])
    assert number_after(fig2, "large init: run \\S+, init") == float(large["init"])
    modes_drawn = pd.read_csv(default_run / f"{FIGURES}/fig2.csv")["mode"].nunique()
    assert number_after(fig2, "d = 50,") == modes_drawn
    # the learning curve: its run, and as many times as that run kept its W
    curve = captions[CAPTIONED["learning_curve"]]
    run = config["learning_curve"]["run"]
    with np.load(default_run / f"{SAMPLE}/dynamics/{SETTING}/{run}.npz") as trajectory:
        kept = len(trajectory["snapshot_steps"])
    assert f"QWEM run {run} " in curve and number_after(curve, "W kept at") == kept
    # Figure 4: as many dimensions as fig4_data logged eigenpairs of M*
    fig4_log = (default_run / "logs/enwiki-sample/figures/V2000_L16/fig4_data.log").read_text()
    assert number_after(captions[CAPTIONED["fig4"]], "up to") == number_after(fig4_log, "M\\*:")
    # the overlaps: the pairs and the number of vectors the data job logged
    overlap_log = (
        default_run / f"logs/enwiki-sample/figures/{SETTING}/overlap_data.log"
    ).read_text()
    compared = re.findall(r"(\S+) vs (\S+), top (\d+):", overlap_log)
    overlap = captions[CAPTIONED["overlap"]]
    assert "pairs drawn: " + "; ".join(f"{a} against {b}" for a, b, _ in compared) + "." in overlap
    assert number_after(overlap, "between the top") == int(compared[0][2])
    # the corpus and the run's setting
    corpus = captions[CAPTIONED["corpus"]]
    assert f"(source: {config['corpus']['source']}, articles of at least" in corpus
    extraction = (default_run / "logs/enwiki-sample/text/001.log").read_text()
    assert number_after(corpus, "articles of at least") == number_after(
        extraction, "articles of at least"
    )
    assert (
        f"V = {config['vocab_size']}, L = {config['window']}, d = {config['dim']}."
        in captions["workflow"]
    )


@pytest.mark.workflow
def test_captions_follow_the_config_keys_they_print(default_run, tmp_path):
    """The report rendered for a config with other values of the printed keys (Snakemake renders
    captions from the config it is given) prints the new values: each caption reads the key its
    rule reads. The ablation's runs keep their own learning rate (0.2) when the shared one
    changes; Figure 1's QWEM run, which has none, takes the new one."""
    changed = {
        "tied_word2vec": {"sample": 2.5e-4, "epochs": 12, "negative": 3},
        "word2vec": {"sample": 7.0e-3},
        "dynamics": {"learning_rate": 0.05},
        "figures": {
            "fig4": {"max_dim": 300},
            "fig2": {"modes": 6},
            "appendix": {"overlap_vectors": 16},
        },
        "learning_curve": {"times": 7},
        "corpus": {"min_article_words": 40},
    }
    settings = tmp_path / "changed.yaml"
    settings.write_text(yaml.safe_dump(changed))
    report = tmp_path / "report.html"
    run_snakemake(
        default_run,
        "--configfile",
        str(settings),
        "--report",
        str(report),
        "--nolock",
        *CAPTIONED.values(),
    )
    captions = report_captions(report)
    ablation = captions[CAPTIONED["ablation"]]
    assert number_after(ablation, r"tied_word2vec\.sample =") == 2.5e-4
    assert "0.007" not in ablation
    for panel in ("regular SGNS", "both = QWEM"):
        assert number_after(panel_line(ablation, panel), "learning rate") == 0.2
    for name in ("fig1", "fig2"):
        caption = captions[CAPTIONED[name]]
        assert number_after(caption, "learning rate") == 0.05
        assert number_after(caption, "tied gensim,") == 12
        assert number_after(caption, "with negative") == 3
        assert number_after(caption, "and sample") == 2.5e-4
    assert number_after(captions[CAPTIONED["fig2"]], "d = 50,") == 6
    rise = captions[CAPTIONED["rise_times"]]
    assert number_after(rise, "sample =") == 2.5e-4 and number_after(rise, "negative =") == 3
    assert number_after(rise, "sample = \\S+") == 12
    assert number_after(captions[CAPTIONED["learning_curve"]], "W kept at") == 7
    assert number_after(captions[CAPTIONED["learning_curve"]], "learning rate") == 0.05
    assert number_after(captions[CAPTIONED["fig4"]], "up to") == 300
    assert number_after(captions[CAPTIONED["overlap"]], "between the top") == 16
    assert number_after(captions[CAPTIONED["corpus"]], "articles of at least") == 40


def summary_section(summary: str, heading: str) -> str:
    """The text of one `## heading` section of the summary, its lines joined by spaces."""
    section = summary.split(f"## {heading}\n", 1)[1].split("\n## ", 1)[0]
    return " ".join(section.split())


def analogy_scores(benchmarks: pd.DataFrame, benchmark: str = "analogy-paper") -> pd.Series:
    pooled = benchmarks[
        (benchmarks["benchmark"] == benchmark) & benchmarks["category"].isin(["full", "all"])
    ]
    return pooled.set_index("model")["score"]


@pytest.mark.workflow
def test_summary_prints_the_numbers_of_the_files_it_read(default_run):
    """Every number of the summary (corpus, scores, each run's half-times and overlap, word2vec's
    overlap with M*, the learning curve's gaps) is the one recomputed here from the files it
    came from, at the summary's printed precision."""
    results = default_run / SAMPLE
    summary = (results / f"summary/{SETTING}/summary.md").read_text()
    # the corpus, counted here from the extraction's word counts, the vocabulary and the ids
    tokens = sum(
        int(line.split("\t")[1])
        for path in (results / "text").glob("*.wordcounts.tsv")
        for line in path.read_text().splitlines()
        if "\t" in line and not line.startswith("#")
    )
    vocab_counts = [
        int(line.split("\t")[1])
        for line in (results / "vocab/V2000.tsv").read_text().splitlines()
        if "\t" in line and not line.startswith("#")
    ]
    articles = kept = 0
    for path in (results / "tokens/V2000").glob("*.npz"):
        with np.load(path) as part:
            articles += len(part["offsets"]) - 1
            kept += int(part["offsets"][-1])
    assert kept == sum(vocab_counts)  # the ids are the vocabulary's words, every occurrence
    printed = [
        f"{articles:,} articles, {tokens:,} tokens; the V kept words cover "
        f"{100 * kept / tokens:.1f}% of them ({kept:,} tokens); the rarest kept word occurs "
        f"{min(vocab_counts):,} times."
    ]
    assert printed[-1] in summary_section(summary, "Corpus")
    # the scores: the sentence and every measured cell of the table, from benchmarks.csv
    benchmarks = pd.read_csv(results / f"eval/{SETTING}/benchmarks.csv")
    paper, classic = analogy_scores(benchmarks), analogy_scores(benchmarks, "analogy-classic")
    ws353, simlex = (analogy_scores(benchmarks, name) for name in ("ws353", "simlex999"))
    scores = summary_section(summary, "Google analogies and similarity")
    named = {"sgns": "word2vec (gensim)", "sgns-tied": "word2vec (paper: tied SGNS)"}
    named.update(qwem="QWEM", ppmi="PPMI")
    sentence = ", ".join(f"{label} {100 * paper[model]:.1f}%" for model, label in named.items())
    printed.append(f"This run: {sentence}.")
    assert printed[-1] in scores
    rows = {line.split(" | ")[0][2:]: line.split(" | ") for line in summary.splitlines()}
    for model, label in {**named, "mstar": "M* (closed form)", "pmi": "PMI"}.items():
        assert rows[label][1:5] == [
            f"{100 * paper[model]:.1f}%",
            f"{100 * classic[model]:.1f}%",
            f"{ws353[model]:.3f}",
            f"{simlex[model]:.3f}",
        ], label
    # the eigenfeatures: our top 5 eigenvectors' words, as mstar_eigenfeatures.csv lists them
    features = pd.read_csv(results / "spectra/V2000_L16/mstar_eigenfeatures.csv").head(5)
    for feature in features.itertuples():
        row = rows[str(feature.eigenvector)]
        assert row[-2:] == [feature.top_words, f"{feature.bottom_words} |"], feature
    # each dynamics run and the tied word2vec: its top 10 modes' measured over predicted
    # half-times, the largest miss, and its overlap
    dynamics = summary_section(summary, "Learning dynamics")
    config = yaml.safe_load((default_run / "config.yaml").read_text())
    for run in [*config["dynamics"]["runs"], "word2vec-tied"]:
        modes = pd.read_csv(results / f"dynamics/{SETTING}/modes/{run}.csv").head(10)
        ratios = modes["half_time_relative_error"] + 1
        printed.append(
            f"run {run}: modes 1-10 reach half the theory's height at {ratios.min():.2f} to "
            f"{ratios.max():.2f} times the predicted time (within "
            f"{100 * (ratios - 1).abs().max():.1f}%); its learned subspace overlaps the top-d "
            f"eigenvectors of M* at {modes['subspace_overlap'].iloc[0]:.3f}."
        )
        assert printed[-1] in dynamics
    # word2vec's overlap with M*: ||U^T E||^2 / 10, U its top-10 left singular vectors (rows in
    # the vocabulary's order), E the top-10 eigenvectors of M*
    embedding = {
        line.split(" ", 1)[0]: np.array(line.split(" ")[1:], dtype=float)
        for line in (results / f"embeddings/{SETTING}/sgns-tied.txt").read_text().splitlines()[1:]
    }
    words = [line.split("\t")[0] for line in (results / "vocab/V2000.tsv").read_text().splitlines()]
    words = [word for word in words if word in embedding]
    assert len(words) == 2000
    left = np.linalg.svd(np.array([embedding[word] for word in words]), full_matrices=False)[0]
    with np.load(results / "spectra/V2000_L16/mstar.npz") as spectrum:
        order = np.argsort(spectrum["values"])[::-1][:10]
        top = spectrum["vectors"][:, order]
    overlap = np.sum((left[:, :10].T @ top) ** 2) / 10
    printed.append(f"overlaps the top-10 eigenvectors of M* at {overlap:.3f}")
    assert printed[-1] in dynamics
    # the learning curve's largest gaps, from its CSV
    curves = pd.read_csv(results / f"figures/{SETTING}/learning_curve.csv")
    gaps = []
    for label, curve in (("QWEM", "qwem"), ("word2vec (tied)", "word2vec")):
        theory = curves[curves["curve"] == "theory"].set_index("t_over_tau1")["accuracy"]
        model = curves[curves["curve"] == curve].set_index("t_over_tau1")["accuracy"]
        gap = (theory - model).dropna().abs()
        gaps.append(f"{label} {100 * gap.max():.1f} points at t/τ₁ = {gap.idxmax():.3g}")
    printed.append("the largest gap from the theory is " + "; ".join(gaps) + ".")
    assert printed[-1] in dynamics
    # the report's page of the summary shows the same sentences
    page = plain_text((results / f"summary/{SETTING}/summary.html").read_text())
    assert [line for line in printed if line not in page] == []
