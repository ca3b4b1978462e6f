"""Parse benchmark: speed, memory and accuracy per format, with pdfplumber as a baseline.

Run ``.venv/bin/python bench/parse.py`` (a few minutes; ``--quick`` for a smoke run).  Throughput
is measured pinned to one CPU core; image timings use the real offline OCR engine (RapidOCR) on
synthetic pages rendered at 1600x1000-ish.  Accuracy is measured on the synthetic corpus
(tests/corpus/pdf_image.py, tests/corpus/xml_ofd.py); the real sample files are reported
separately against tests/expected/.  invoice2data is not installed, so it is not a baseline.
"""

from __future__ import annotations

import argparse
import importlib.util
import io
import json
import os
import random
import resource
import statistics
import sys
import time
import tracemalloc
from collections import Counter
from collections.abc import Callable, Iterable
from pathlib import Path
from types import ModuleType
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
TARGETS = {
    "pdf_files_per_s": 150,
    "pdf_verify_qr_files_per_s": 40,
    "image_qr_key_fields_median_s": 1.5,
    "image_full_page_median_s": 4.0,
    "pdf_key_field_accuracy": 0.995,
    "image_key_field_accuracy": 0.97,
}


def _load(name: str, path: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


CPU_RATES: dict[int, float] = {}


def _rate(files: list[bytes], func: Callable[[bytes], Any]) -> float:
    """Files per wall-clock second; files per CPU second is kept in CPU_RATES[id(files)]."""
    start, start_cpu = time.perf_counter(), time.process_time()
    for data in files:
        func(data)
    CPU_RATES[id(files)] = len(files) / max(time.process_time() - start_cpu, 1e-9)
    return len(files) / (time.perf_counter() - start)


def _accuracy(
    pairs: Iterable[tuple[Any, Any]], fields: tuple[str, ...]
) -> tuple[float, dict[str, float]]:
    from fapiao.core.parsing.values import field_value

    right: Counter[str] = Counter()
    total = 0
    for got, truth in pairs:
        total += 1
        for name in fields:
            right[name] += got is not None and field_value(got, name) == field_value(truth, name)
    per_field = {name: right[name] / total for name in fields} if total else {}
    overall = sum(right.values()) / (total * len(fields)) if total else 0.0
    return overall, per_field


def _pin_one_core() -> set[int] | None:
    if not hasattr(os, "sched_setaffinity"):
        return None
    before = os.sched_getaffinity(0)
    os.sched_setaffinity(0, {min(before)})
    return before


def _show(label: str, value: str, target: str = "") -> None:
    print(f"  {label:46} {value:>14}  {target}")


def bench_structured(n: int, results: dict[str, Any]) -> None:
    """XML and OFD readers through the registry."""
    from fapiao.core.parsing.base import FileFormat, ParseOptions
    from fapiao.core.parsing.registry import parser_for

    corpus = _load("bench_corpus_xml_ofd", ROOT / "tests" / "corpus" / "xml_ofd.py")
    rng = random.Random(0)
    xmls = [corpus.einvoice_xml(corpus.random_truth(rng, digital=True)) for _ in range(n)]
    ofds = [
        corpus.ofd(corpus.random_truth(rng, digital=False), corpus.OFD_VARIANTS[i % 5])
        for i in range(n)
    ]
    options = ParseOptions()
    for fmt, files in ((FileFormat.XML, xmls), (FileFormat.OFD, ofds)):
        parser = parser_for(fmt)
        rate = _rate(files, lambda d, p=parser: p.parse(d, options))
        results[f"{fmt.value}_files_per_s"] = rate
        results[f"{fmt.value}_files_per_cpu_s"] = CPU_RATES[id(files)]
        _show(
            f"{fmt.value.upper()} files/s (one core)",
            f"{rate:.0f}",
            f"per CPU-s {CPU_RATES[id(files)]:.0f}",
        )


def bench_pdf(n: int, n_baseline: int, results: dict[str, Any]) -> None:
    """PDF text layer with and without verify-qr, pdfplumber baseline, accuracy and memory."""
    from fapiao.core.parsing.base import ParseOptions
    from fapiao.core.parsing.pdf import PdfParser

    corpus = sys.modules["bench_corpus_pdf_image"]
    rng = random.Random(1)
    truths = []
    files = []
    for i in range(n):
        truth = corpus.random_invoice(rng, digital=i % 2 == 0, red=i % 7 == 1)
        data, _ = corpus.invoice_pdf([truth], spaced=i % 10 == 3, qr_vector=i % 4 == 0)
        truths.append(truth)
        files.append(data)
    parser = PdfParser()
    plain, verify = ParseOptions(), ParseOptions(verify_qr=True)
    parser.parse(files[0], plain)
    for label, options in (("pdf", plain), ("pdf_verify_qr", verify)):
        rate = _rate(files, lambda d, o=options: parser.parse(d, o))
        results[f"{label}_files_per_s"] = rate
        results[f"{label}_files_per_cpu_s"] = CPU_RATES[id(files)]
        target = TARGETS[f"{label}_files_per_s"]
        _show(
            f"{label} files/s (one core)",
            f"{rate:.0f}",
            f"target >= {target}; per CPU-s {CPU_RATES[id(files)]:.0f}",
        )
        got = [parser.parse(d, options).invoices[0].invoice for d in files]
        overall, per_field = _accuracy(zip(got, truths, strict=True), corpus.KEY_FIELDS)
        results[f"{label}_key_field_accuracy"] = overall
        results[f"{label}_per_field"] = per_field
        _show(f"{label} key-field accuracy ({n} files)", f"{overall:.2%}", "target >= 99.5%")
        worst = sorted(per_field.items(), key=lambda kv: kv[1])[:3]
        _show("  lowest fields", ", ".join(f"{k} {v:.1%}" for k, v in worst))
    import pdfplumber

    def plumber(data: bytes) -> None:
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            for page in pdf.pages:
                page.extract_words()

    subset = files[:n_baseline]
    baseline = _rate(subset, plumber)
    results["pdfplumber_files_per_s"] = baseline
    results["pdfplumber_files_per_cpu_s"] = CPU_RATES[id(subset)]
    _show(
        "pdfplumber extract_words files/s",
        f"{baseline:.0f}",
        f"per CPU-s {CPU_RATES[id(subset)]:.0f}",
    )
    _show("fapiao pdf / pdfplumber", f"{results['pdf_files_per_s'] / baseline:.1f}x")
    cpu_ratio = results["pdf_files_per_cpu_s"] / CPU_RATES[id(subset)]
    _show("fapiao pdf / pdfplumber (CPU time)", f"{cpu_ratio:.1f}x")
    _show(
        "fapiao pdf verify-qr / pdfplumber",
        f"{results['pdf_verify_qr_files_per_s'] / baseline:.1f}x",
    )
    tracemalloc.start()
    for data in files[:20]:
        parser.parse(data, verify)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    results["pdf_tracemalloc_peak_mib"] = peak / 2**20
    _show("pdf verify-qr tracemalloc peak (20 files)", f"{peak / 2**20:.1f} MiB")


def bench_images(n_fake: int, n_ocr: int, results: dict[str, Any]) -> None:
    """Degraded images: the pipeline with the fake engine; timings with the real engine."""
    from fapiao.core.parsing.base import ParseOptions
    from fapiao.core.parsing.image import ImageParser

    corpus = sys.modules["bench_corpus_pdf_image"]
    rng = random.Random(2)
    samples = []
    for i in range(max(n_fake, n_ocr)):
        truth = corpus.random_invoice(rng, digital=i % 2 == 0, red=i % 6 == 1)
        data, pages = corpus.invoice_pdf([truth])
        samples.append(corpus.degraded_image(data, pages[0], truth, corpus.random_degradation(rng)))
    options = ParseOptions()
    got = []
    for sample in samples[:n_fake]:
        result = ImageParser(corpus.FakeOcrEngine(sample)).parse(sample.data, options)
        got.append(result.invoices[0].invoice)
    truths = [s.invoice for s in samples[:n_fake]]
    overall, per_field = _accuracy(zip(got, truths, strict=True), corpus.KEY_FIELDS)
    results["image_fake_ocr_key_field_accuracy"] = overall
    results["image_fake_ocr_per_field"] = per_field
    _show(f"image key-field accuracy, fake OCR ({n_fake})", f"{overall:.2%}", "target >= 97%")

    clean = []
    for i in range(n_ocr):
        truth = corpus.random_invoice(rng, digital=i % 2 == 0)
        data, pages = corpus.invoice_pdf([truth])
        deg = corpus.Degradation(dpi=194, blur=0.6, quality=80, rotation=0.0, perspective=0.0)
        clean.append(corpus.degraded_image(data, pages[0], truth, deg))
    if not clean:
        return
    from fapiao.core.parsing.ocr import RapidOcrEngine

    full = ImageParser(RapidOcrEngine(), max_ocr_side=1600)
    key = ImageParser(RapidOcrEngine(use_cls=False), max_ocr_side=1100)
    start = time.perf_counter()
    full.parse(clean[0].data, options)
    results["ocr_engine_load_and_first_page_s"] = time.perf_counter() - start
    _show(
        "OCR engine load + first page (once)",
        f"{results['ocr_engine_load_and_first_page_s']:.2f} s",
    )
    for label, parser in (("image_qr_key_fields", key), ("image_full_page", full)):
        times = []
        cpu = []
        invoices = []
        for sample in clean:
            start, start_cpu = time.perf_counter(), time.process_time()
            result = parser.parse(sample.data, options)
            times.append(time.perf_counter() - start)
            cpu.append(time.process_time() - start_cpu)
            invoices.append(result.invoices[0].invoice)
        median = statistics.median(times)
        results[f"{label}_median_cpu_s"] = statistics.median(cpu)
        results[f"{label}_median_s"] = median
        target = TARGETS[f"{label}_median_s"]
        size = f"{clean[0].size[0]}x{clean[0].size[1]}"
        _show(
            f"{label} median s, real OCR ({len(clean)}, {size})",
            f"{median:.2f}",
            f"target <= {target}",
        )
        overall, per_field = _accuracy(
            zip(invoices, [s.invoice for s in clean], strict=True), corpus.KEY_FIELDS
        )
        results[f"{label}_real_ocr_accuracy"] = overall
        worst = sorted(per_field.items(), key=lambda kv: kv[1])[:3]
        _show(
            "  key-field accuracy, real OCR",
            f"{overall:.2%}",
            ", ".join(f"{k} {v:.0%}" for k, v in worst),
        )


def bench_real(results: dict[str, Any], with_ocr: bool) -> None:
    """The real sample files against tests/expected (key fields)."""
    from fapiao.config import samples_dir
    from fapiao.core.parsing.base import ParseOptions
    from fapiao.core.parsing.image import ImageParser
    from fapiao.core.parsing.pdf import PdfParser

    folder = samples_dir()
    if not folder.is_dir():
        _show("real samples", "absent")
        return
    keys = (
        "kind",
        "number",
        "code",
        "issue_date",
        "net_amount",
        "tax_amount",
        "gross_amount",
        "is_red",
    )
    cases = sorted((ROOT / "tests" / "expected" / "pdf").glob("*.json"))
    if with_ocr:
        cases += sorted((ROOT / "tests" / "expected" / "image").glob("*.json"))
    for case in cases:
        expected = json.loads(case.read_text("utf-8"))
        want = expected["invoices"][0]
        data = (folder / expected["sample"]).read_bytes()
        parser = PdfParser() if expected["format"] == "pdf" else ImageParser()
        start = time.perf_counter()
        invoice = parser.parse(data, ParseOptions()).invoices[0].invoice
        elapsed = time.perf_counter() - start
        checks = [
            str(getattr(invoice, k).value if k == "kind" else getattr(invoice, k)) for k in keys
        ]
        wanted = [str(want.get(k)) if want.get(k) is not None else "None" for k in keys]
        checks = [c.lower() if c in ("True", "False") else c for c in checks]
        wanted = [w.lower() if w in ("True", "False") else w for w in wanted]
        for party in ("seller", "buyer"):
            for attr in ("tax_id", "name"):
                checks.append(str(getattr(getattr(invoice, party), attr)))
                wanted.append(str(want[party][attr]))
        right = sum(c == w for c, w in zip(checks, wanted, strict=True))
        wrong = [w for c, w in zip(checks, wanted, strict=True) if c != w]
        results[f"real:{expected['sample']}"] = {"right": right, "of": len(checks), "wrong": wrong}
        _show(
            f"real {expected['sample']}",
            f"{right}/{len(checks)} in {elapsed:.2f}s",
            f"wrong: {wrong}" if wrong else "",
        )


def main(argv: list[str] | None = None) -> int:
    args = argparse.ArgumentParser(description=__doc__)
    args.add_argument("--quick", action="store_true", help="small counts, no real OCR")
    args.add_argument("--json", type=Path, help="also write the numbers to this file")
    opts = args.parse_args(argv)
    sys.path.insert(0, str(ROOT / "src"))
    _load("bench_corpus_pdf_image", ROOT / "tests" / "corpus" / "pdf_image.py")
    results: dict[str, Any] = {}
    quick = opts.quick
    print("fapiao parse benchmark" + (" (quick)" if quick else ""))
    affinity = _pin_one_core()
    print("structured formats:")
    bench_structured(60 if quick else 300, results)
    print("PDF text layer:")
    bench_pdf(30 if quick else 200, 10 if quick else 60, results)
    if affinity:
        os.sched_setaffinity(0, affinity)
    print(f"  load average {os.getloadavg()[0]:.1f} (wall-clock rates suffer when it exceeds 1)")
    print(f"images ({os.cpu_count()} CPUs visible for OCR):")
    bench_images(4 if quick else 16, 0 if quick else 5, results)
    print("real sample files:")
    bench_real(results, with_ocr=not quick)
    usage = resource.getrusage(resource.RUSAGE_SELF)
    results["peak_rss_mib"] = usage.ru_maxrss / 1024
    _show("peak RSS of the whole run", f"{usage.ru_maxrss / 1024:.0f} MiB")
    print("  invoice2data: not installed, not measured")
    if opts.json:
        opts.json.write_text(json.dumps(results, indent=2, default=str), "utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
