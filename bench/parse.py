"""Parse benchmark: speed, memory and accuracy per format, pdfplumber and invoice2data as baselines.

Run ``taskset -c 0 .venv/bin/python bench/parse.py`` (several minutes; ``--quick`` for a smoke
run, ``--images`` for the image part and the real samples only).  Throughput is measured pinned
to one CPU core, as files per wall-clock second and per CPU second (``time.process_time``; the
fair figure on a shared, loaded machine); image timings use the real offline OCR engine
(RapidOCR, ONNX Runtime with one intra-op thread) on synthetic pages rendered at 1604x1070, in
two modes: QR + key fields (only the boxes that can hold key fields are read) and the full page
with lines, median and p90 per image; their accuracy is measured with the same engine on
degraded pages (see :func:`bench_images`).  invoice2data (1.x, input module ``pdfium``,
templates in bench/invoice2data_templates/) and pdfplumber read the same PDF files in the same
run; the ratios are printed.  Peak memory per format is measured in a child process each (peak
RSS above the child's RSS before parsing) plus the Python heap peak (tracemalloc).  Accuracy is
measured on the synthetic corpus (tests/corpus/pdf_image.py, tests/corpus/xml_ofd.py); the real
sample files are reported separately against tests/expected/.
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib.util
import io
import json
import logging
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections import Counter
from collections.abc import Callable, Iterable
from decimal import Decimal
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
MEMORY_SAMPLES: dict[str, list[bytes]] = {}


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


def _truth_accuracy(
    pairs: Iterable[tuple[Any, Any]],
) -> tuple[float, dict[str, float]]:
    """Key-field accuracy of parsed invoices against xml_ofd truths (``Truth.key_fields``)."""
    from fapiao.core.schema import invoice_to_dict

    right: Counter[str] = Counter()
    total = 0
    names: tuple[str, ...] = ()
    for got, truth in pairs:
        want = truth.key_fields()
        names = tuple(want)
        total += 1
        data = invoice_to_dict(got)
        for name, value in want.items():
            party, _, attr = name.partition(".")
            found = data[party][attr] if attr else data[name]
            right[name] += found == value
    per_field = {name: right[name] / total for name in names} if total else {}
    overall = sum(right.values()) / (total * len(names)) if total else 0.0
    return overall, per_field


def bench_structured(n: int, results: dict[str, Any]) -> None:
    """XML and OFD readers through the registry: speed (OFD also with --verify-qr, every file
    carrying its QR as a PNG), key-field accuracy per format and per field."""
    from fapiao.core.parsing.base import FileFormat, ParseOptions
    from fapiao.core.parsing.registry import parser_for

    corpus = _load("bench_corpus_xml_ofd", ROOT / "tests" / "corpus" / "xml_ofd.py")
    rng = random.Random(0)
    xml_truths = [corpus.random_truth(rng, digital=True, red=i % 7 == 1) for i in range(n)]
    xmls = [corpus.einvoice_xml(truth) for truth in xml_truths]
    ofd_truths, ofds = [], []
    variants = corpus.OFD_VARIANTS
    for i in range(n):
        variant = variants[i % len(variants)]
        digital = variant in corpus.DIGITAL_VARIANTS and (i // len(variants)) % 2 == 0
        truth = corpus.random_truth(rng, digital=digital, red=i % 7 == 1)
        ofd_truths.append(truth)
        ofds.append(corpus.ofd(truth, variant, qr_image=True))
    plain, verify = ParseOptions(), ParseOptions(verify_qr=True)
    MEMORY_SAMPLES["xml"] = xmls[:50]
    MEMORY_SAMPLES["ofd"] = ofds[:50]
    MEMORY_SAMPLES["ofd_verify_qr"] = ofds[:50]
    runs = (
        ("xml", FileFormat.XML, xmls, xml_truths, plain, 2000),
        ("ofd", FileFormat.OFD, ofds, ofd_truths, plain, 500),
        ("ofd_verify_qr", FileFormat.OFD, ofds, ofd_truths, verify, 50),
    )
    for label, fmt, files, truths, options, target in runs:
        parser = parser_for(fmt)
        parser.parse(files[0], options)
        rate = _rate(files, lambda d, p=parser, o=options: p.parse(d, o))
        results[f"{label}_files_per_s"] = rate
        results[f"{label}_files_per_cpu_s"] = CPU_RATES[id(files)]
        _show(
            f"{label} files/s (one core)",
            f"{rate:.0f}",
            f"target >= {target}; per CPU-s {CPU_RATES[id(files)]:.0f}",
        )
        got = [parser.parse(d, options).invoices[0].invoice for d in files]
        overall, per_field = _truth_accuracy(zip(got, truths, strict=True))
        results[f"{label}_key_field_accuracy"] = overall
        results[f"{label}_per_field"] = per_field
        _show(f"{label} key-field accuracy ({n} files)", f"{overall:.2%}", "target >= 99.5%")
        _show(
            "  per field",
            "",
            ", ".join(f"{name} {share:.1%}" for name, share in per_field.items()),
        )
        if label == "ofd_verify_qr":
            disagreements = sum(
                any(f.code == "merge.disagreement" for f in invoice.findings) for invoice in got
            )
            _show("  files where the QR disagreed", f"{disagreements}", "expected 0")


def pdf_corpus(corpus: ModuleType, n: int) -> tuple[list[bytes], list[Any]]:
    """The benchmark's PDFs and their truths: 数电 and legacy layouts, a red invoice in seven,
    spaced glyphs in one in ten, a vector QR in one in four (also used by pdf_compare.py)."""
    rng = random.Random(1)
    truths = []
    files = []
    for i in range(n):
        truth = corpus.random_invoice(rng, digital=i % 2 == 0, red=i % 7 == 1)
        data, _ = corpus.invoice_pdf([truth], spaced=i % 10 == 3, qr_vector=i % 4 == 0)
        truths.append(truth)
        files.append(data)
    return files, truths


def bench_pdf(n: int, n_baseline: int, results: dict[str, Any]) -> None:
    """PDF text layer with and without verify-qr, pdfplumber baseline, accuracy and memory."""
    from fapiao.core.parsing.base import ParseOptions
    from fapiao.core.parsing.pdf import PdfParser

    corpus = sys.modules["bench_corpus_pdf_image"]
    files, truths = pdf_corpus(corpus, n)
    parser = PdfParser()
    MEMORY_SAMPLES["pdf"] = files[:50]
    MEMORY_SAMPLES["pdf_verify_qr"] = files[:50]
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
    bench_invoice2data(files[:n_baseline], truths[:n_baseline], corpus.KEY_FIELDS, results)
    tracemalloc.start()
    for data in files[:20]:
        parser.parse(data, verify)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    results["pdf_tracemalloc_peak_mib"] = peak / 2**20
    _show("pdf verify-qr tracemalloc peak (20 files)", f"{peak / 2**20:.1f} MiB")


def _i2d_values(data: dict[str, Any]) -> dict[str, Any]:
    """invoice2data's output as the key fields of the corpus (``None`` where it found nothing)."""
    from fapiao.core.parsing.layout import normalize

    def first(key: str) -> Any:
        value = data.get(key)
        return value[0] if isinstance(value, list) and value else value

    def money(key: str) -> Decimal | None:
        value = first(key)
        return None if value is None else Decimal(repr(float(value))).quantize(Decimal("0.01"))

    def text(key: str) -> str | None:
        value = first(key)
        return None if value is None else normalize(str(value)).strip()

    date = first("date")
    gross = money("amount")
    return {
        "number": text("invoice_number"),
        "code": text("invoice_code"),
        "issue_date": date.date() if isinstance(date, dt.datetime) else date,
        "seller.tax_id": text("vat"),
        "seller.name": text("seller_name"),
        "buyer.tax_id": text("buyer_vat"),
        "buyer.name": text("buyer_name"),
        "net_amount": money("amount_untaxed"),
        "tax_amount": money("amount_tax"),
        "gross_amount": gross,
        "is_red": bool(first("red_marker")) or (gross is not None and gross < 0),
    }


def bench_invoice2data(
    files: list[bytes], truths: list[Any], fields: tuple[str, ...], results: dict[str, Any]
) -> None:
    """The same PDFs through invoice2data (pdfium text + our regex templates)."""
    from invoice2data import extract_data
    from invoice2data.extract.loader import read_templates

    from fapiao.core.parsing.layout import normalize
    from fapiao.core.parsing.values import field_value

    logging.getLogger("invoice2data").setLevel(logging.CRITICAL)
    templates = read_templates(str(ROOT / "bench" / "invoice2data_templates"))
    with tempfile.TemporaryDirectory(prefix="fapiao-bench-") as folder:
        paths = []
        for i, data in enumerate(files):
            path = Path(folder) / f"{i:04d}.pdf"
            path.write_bytes(data)
            paths.append(str(path))
        outputs: list[dict[str, Any]] = []
        rate = _rate(
            paths,  # type: ignore[arg-type]
            lambda p: outputs.append(extract_data(p, templates=templates, input_module="pdfium")),
        )
    results["invoice2data_files_per_s"] = rate
    results["invoice2data_files_per_cpu_s"] = CPU_RATES[id(paths)]
    right: Counter[str] = Counter()
    for out, truth in zip(outputs, truths, strict=True):
        got = _i2d_values(out) if out else {}
        for name in fields:
            want = field_value(truth, name)
            value = got.get(name)
            if isinstance(want, str):
                want = normalize(want)
            right[name] += value == want
    total = len(outputs) * len(fields)
    overall = sum(right.values()) / total if total else 0.0
    results["invoice2data_key_field_accuracy"] = overall
    results["invoice2data_per_field"] = {k: right[k] / len(outputs) for k in fields}
    _show(
        f"invoice2data files/s ({len(paths)} files)",
        f"{rate:.0f}",
        f"per CPU-s {CPU_RATES[id(paths)]:.0f}",
    )
    _show("invoice2data key-field accuracy", f"{overall:.2%}")
    worst = sorted(results["invoice2data_per_field"].items(), key=lambda kv: kv[1])[:3]
    _show("  lowest fields", ", ".join(f"{k} {v:.1%}" for k, v in worst))
    _show(
        "fapiao pdf / invoice2data files/s",
        f"{results['pdf_files_per_s'] / rate:.1f}x",
        f"CPU time {results['pdf_files_per_cpu_s'] / CPU_RATES[id(paths)]:.1f}x",
    )
    _show(
        "fapiao pdf verify-qr / invoice2data files/s",
        f"{results['pdf_verify_qr_files_per_s'] / rate:.1f}x",
        f"CPU time {results['pdf_verify_qr_files_per_cpu_s'] / CPU_RATES[id(paths)]:.1f}x",
    )
    _show(
        "key-field accuracy fapiao pdf / invoice2data",
        f"{results['pdf_key_field_accuracy']:.2%} / {overall:.2%}",
    )


def _cpu_and_wall(parse: Callable[[bytes], Any], files: list[bytes]) -> tuple[list[float], ...]:
    """CPU seconds and wall seconds of each call, and what each call returned."""
    cpu: list[float] = []
    wall: list[float] = []
    out: list[Any] = []
    for data in files:
        start, start_cpu = time.perf_counter(), time.process_time()
        out.append(parse(data))
        wall.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    return cpu, wall, out


def _p90(values: list[float]) -> float:
    return (
        statistics.quantiles(values, n=10, method="inclusive")[-1] if len(values) > 1 else values[0]
    )


def _image_parsers() -> dict[str, Any]:
    """The two image modes with the real engine, ONNX Runtime on one thread."""
    from fapiao.core.parsing.image import ImageParser
    from fapiao.core.parsing.ocr import RapidOcrEngine

    return {
        "image_qr_key_fields": ImageParser(RapidOcrEngine(threads=1), key_fields_only=True),
        "image_full_page": ImageParser(RapidOcrEngine(threads=1)),
    }


def bench_images(n_fake: int, n_ocr: int, n_degraded: int, results: dict[str, Any]) -> None:
    """Images: speed of both modes with the real engine, accuracy with the real and a fake engine.

    Speed: pages rendered at 194 dpi (1604x1070), lightly blurred, as JPEG.  Accuracy: pages
    with the pinned degradations of the corpus (120-300 dpi, blur, JPEG 50-85, rotation ±5°
    and quarter turns, perspective), read by the real engine in both modes and, for the
    pipeline alone, by the corpus's fake engine.  ONNX Runtime runs one thread and the process
    is pinned to one core, so CPU seconds (``time.process_time``) equal one-core seconds: on a
    shared, loaded machine they are the fair figure; wall seconds are shown beside them.
    """
    from fapiao.core.parsing.base import ParseOptions
    from fapiao.core.parsing.image import ImageParser

    corpus = sys.modules["bench_corpus_pdf_image"]
    rng = random.Random(2)
    samples = []
    for i in range(max(n_fake, n_degraded)):
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
    MEMORY_SAMPLES["image"] = [sample.data for sample in clean[:5]]
    parsers = _image_parsers()
    affinity = _pin_one_core()
    start = time.perf_counter()
    parsers["image_full_page"].parse(clean[0].data, options)
    results["ocr_engine_load_and_first_page_s"] = time.perf_counter() - start
    _show(
        "OCR engine load + first page (once)",
        f"{results['ocr_engine_load_and_first_page_s']:.2f} s",
    )
    size = f"{clean[0].size[0]}x{clean[0].size[1]}"
    print(
        f"  speed per image at {size}, one core, ONNX Runtime on one thread: CPU seconds are the"
        " fair figure (wall seconds grow with the machine's load)"
    )
    for label, parser in parsers.items():
        cpu, wall, out = _cpu_and_wall(
            lambda d, p=parser: p.parse(d, options), [s.data for s in clean]
        )
        target = TARGETS[f"{label}_median_s"]
        results[f"{label}_median_cpu_s"] = statistics.median(cpu)
        results[f"{label}_p90_cpu_s"] = _p90(cpu)
        results[f"{label}_median_s"] = statistics.median(wall)
        results[f"{label}_p90_s"] = _p90(wall)
        _show(
            f"{label} CPU-s median / p90 ({len(clean)})",
            f"{statistics.median(cpu):.2f} / {_p90(cpu):.2f}",
            f"target median <= {target} s",
        )
        _show(
            f"{label} wall s median / p90",
            f"{statistics.median(wall):.2f} / {_p90(wall):.2f}",
            f"load average {os.getloadavg()[0]:.1f}",
        )
        invoices = [result.invoices[0].invoice for result in out]
        overall, per_field = _accuracy(
            zip(invoices, [s.invoice for s in clean], strict=True), corpus.KEY_FIELDS
        )
        results[f"{label}_real_ocr_accuracy"] = overall
        _show("  key-field accuracy, real OCR, these pages", f"{overall:.2%}")
    degraded = samples[:n_degraded]
    for label, parser in parsers.items():
        cpu, _, out = _cpu_and_wall(
            lambda d, p=parser: p.parse(d, options), [s.data for s in degraded]
        )
        invoices = [result.invoices[0].invoice for result in out]
        overall, per_field = _accuracy(
            zip(invoices, [s.invoice for s in degraded], strict=True), corpus.KEY_FIELDS
        )
        results[f"{label}_degraded_real_ocr_accuracy"] = overall
        results[f"{label}_degraded_real_ocr_per_field"] = per_field
        _show(
            f"{label} key-field accuracy, real OCR, degraded ({len(degraded)})",
            f"{overall:.2%}",
            f"target >= 97%; CPU-s median {statistics.median(cpu):.2f}, p90 {_p90(cpu):.2f}",
        )
        _show("  per field", ", ".join(f"{k} {v:.0%}" for k, v in per_field.items()))
    if affinity:
        os.sched_setaffinity(0, affinity)


def bench_real(results: dict[str, Any], with_ocr: bool) -> None:
    """The real sample files against tests/expected (key fields), every format."""
    from fapiao.config import samples_dir
    from fapiao.core.parsing.base import FileFormat, ParseOptions
    from fapiao.core.parsing.pdf import PdfParser
    from fapiao.core.parsing.registry import parser_for

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
    expected_dir = ROOT / "tests" / "expected"
    cases = [
        case
        for kind in ("xml", "ofd", "pdf")
        for case in sorted(expected_dir.glob(f"{kind}/*.json"))
    ]
    if with_ocr:
        cases += sorted((expected_dir / "image").glob("*.json"))
    runs: list[tuple[Path, str, Any]] = []
    for case in cases:
        if case.parent.name == "pdf":
            runs.append((case, "", PdfParser()))
        elif case.parent.name in ("xml", "ofd"):
            runs.append((case, "", parser_for(FileFormat(case.parent.name))))
        else:  # both image modes, ONNX Runtime on one thread
            runs += [(case, f" ({mode})", parser) for mode, parser in _image_parsers().items()]
    for case, mode, parser in runs:
        expected = json.loads(case.read_text("utf-8"))
        want = expected["invoices"][0]
        data = (folder / expected["sample"]).read_bytes()
        start, start_cpu = time.perf_counter(), time.process_time()
        invoice = parser.parse(data, ParseOptions()).invoices[0].invoice
        elapsed, elapsed_cpu = time.perf_counter() - start, time.process_time() - start_cpu
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
        results[f"real:{expected['sample']}{mode}"] = {
            "right": right,
            "of": len(checks),
            "wrong": wrong,
            "s": elapsed,
            "cpu_s": elapsed_cpu,
        }
        _show(
            f"real {expected['sample']}{mode}",
            f"{right}/{len(checks)} in {elapsed:.2f}s",
            f"CPU {elapsed_cpu:.2f}s" + (f"; wrong: {wrong}" if wrong else ""),
        )


def _status_mib(key: str) -> float:
    """A memory figure of this process from /proc/self/status (VmRSS, VmHWM), in MiB."""
    for line in Path("/proc/self/status").read_text("ascii").splitlines():
        if line.startswith(key + ":"):
            return int(line.split()[1]) / 1024
    return float("nan")


def memory_child(kind: str, folder: Path) -> None:
    """Child process: parse the files of ``folder`` and print peak RSS above the start (JSON)."""
    from fapiao.core.parsing.base import FileFormat, ParseOptions
    from fapiao.core.parsing.image import ImageParser
    from fapiao.core.parsing.ocr import RapidOcrEngine
    from fapiao.core.parsing.registry import parser_for

    files = [path.read_bytes() for path in sorted(folder.iterdir())]
    options = ParseOptions(verify_qr=kind.endswith("_verify_qr"))
    if kind == "image":
        parser: Any = ImageParser(RapidOcrEngine(threads=1), key_fields_only=True)
    else:
        parser = parser_for(FileFormat(kind.removesuffix("_verify_qr")))
    before = _status_mib("VmRSS")
    for data in files:
        parser.parse(data, options)
    peak = _status_mib("VmHWM")  # reset by exec, unlike ru_maxrss
    print(json.dumps({"files": len(files), "rss_before_mib": before, "peak_rss_mib": peak}))


def bench_memory(results: dict[str, Any]) -> None:
    """Peak RSS per format, each in a fresh child process (image: includes the OCR models)."""
    for kind, files in MEMORY_SAMPLES.items():
        with tempfile.TemporaryDirectory(prefix="fapiao-mem-") as folder:
            for i, data in enumerate(files):
                (Path(folder) / f"{i:04d}.bin").write_bytes(data)
            done = subprocess.run(
                [sys.executable, __file__, "--memory-child", kind, folder],
                capture_output=True,
                text=True,
                check=False,
            )
        if done.returncode != 0:
            _show(f"{kind} peak RSS", "failed", done.stderr.strip().splitlines()[-1:][0])
            continue
        got = json.loads(done.stdout.strip().splitlines()[-1])
        grown = got["peak_rss_mib"] - got["rss_before_mib"]
        results[f"{kind}_peak_rss_mib"] = got["peak_rss_mib"]
        results[f"{kind}_peak_rss_growth_mib"] = grown
        _show(
            f"{kind} peak RSS ({got['files']} files)",
            f"{got['peak_rss_mib']:.0f} MiB",
            f"+{grown:.0f} MiB over the process before parsing",
        )


def main(argv: list[str] | None = None) -> int:
    args = argparse.ArgumentParser(description=__doc__)
    args.add_argument("--quick", action="store_true", help="small counts, no real OCR")
    args.add_argument("--images", action="store_true", help="only images and the real samples")
    args.add_argument("--json", type=Path, help="also write the numbers to this file")
    args.add_argument("--memory-child", nargs=2, metavar=("KIND", "FOLDER"), help=argparse.SUPPRESS)
    opts = args.parse_args(argv)
    sys.path.insert(0, str(ROOT / "src"))
    if opts.memory_child:
        memory_child(opts.memory_child[0], Path(opts.memory_child[1]))
        return 0
    _load("bench_corpus_pdf_image", ROOT / "tests" / "corpus" / "pdf_image.py")
    results: dict[str, Any] = {}
    quick = opts.quick
    print("fapiao parse benchmark" + (" (quick)" if quick else ""))
    if not opts.images:
        affinity = _pin_one_core()
        print("structured formats:")
        bench_structured(60 if quick else 300, results)
        print("PDF text layer:")
        bench_pdf(30 if quick else 200, 10 if quick else 60, results)
        if affinity:
            os.sched_setaffinity(0, affinity)
    print(f"  load average {os.getloadavg()[0]:.1f} (wall-clock rates suffer when it exceeds 1)")
    print("images:")
    bench_images(4 if quick else 16, 1 if quick else 10, 2 if quick else 24, results)
    print("peak memory per format (child process each, one file at a time):")
    bench_memory(results)
    print("real sample files:")
    bench_real(results, with_ocr=not quick)
    usage = resource.getrusage(resource.RUSAGE_SELF)
    results["peak_rss_mib"] = usage.ru_maxrss / 1024
    _show("peak RSS of the whole run", f"{usage.ru_maxrss / 1024:.0f} MiB")
    if opts.json:
        opts.json.write_text(json.dumps(results, indent=2, default=str), "utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
