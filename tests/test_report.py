"""The main job's HTML report, opened in headless Chromium (Debian's chromium + chromedriver)."""

from __future__ import annotations

import re

import pytest
from conftest import REPO, run_snakemake

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
    }
    # the table of every job's cost is read from the benchmark files in the same job
    assert planned == plotting | {"performance"}, plan[-3000:]
