"""A tiny labelled corpus in the shape of the shared data: every component trains on it in seconds."""

from __future__ import annotations

import csv
from pathlib import Path

V6_COLUMNS = [
    "Comment ID",
    "Trust",
    "Respondent ID",
    "FFT answer",
    "Comment sentiment",
    "Staff manner & personal attributes",
    "Timeliness of care",
    "Supplying & understanding medication",
    "Positive experience & gratitude",
    "Labelling not possible",
]
V6_TEXTS = [
    ("The staff were so kind and caring", "1", ["Staff manner & personal attributes"]),
    ("Lovely friendly crew, very polite", "1", ["Staff manner & personal attributes"]),
    ("Rude receptionist and an unhelpful nurse", "5", ["Staff manner & personal attributes"]),
    ("Waited four hours for the ambulance", "5", ["Timeliness of care"]),
    ("The ambulance arrived quickly", "2", ["Timeliness of care"]),
    ("Too long a wait for an appointment", "4", ["Timeliness of care"]),
    ("My tablets were not explained", "4", ["Supplying & understanding medication"]),
    ("Medication was given on time and explained", "2", ["Supplying & understanding medication"]),
    ("Nothing, all good", "1", ["Positive experience & gratitude"]),
    ("Thank you for everything", "1", ["Positive experience & gratitude"]),
    (
        "It was ok I suppose, some good some bad",
        "3",
        ["Timeliness of care", "Staff manner & personal attributes"],
    ),
    ("Did not answer", "", ["Labelling not possible"]),
]


def write_tiny_corpus(directory: Path, copies: int = 6) -> Path:
    """The four shared-data files, small: enough to train every component in seconds."""
    directory.mkdir(parents=True, exist_ok=True)
    with (directory / "pxtextmining_v6_train.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=V6_COLUMNS)
        writer.writeheader()
        for copy in range(copies):
            for i, (text, sentiment, labels) in enumerate(V6_TEXTS):
                row = {column: "" for column in V6_COLUMNS}
                row.update(
                    {
                        "Comment ID": f"T {copy}-{i} - Q1",
                        "Trust": "NEAS",
                        "Respondent ID": f"T {copy}-{i}",
                        "FFT answer": f"{text} ({copy})",
                        "Comment sentiment": sentiment,
                    }
                )
                row.update({label: "1" for label in labels})
                writer.writerow(row)
    with (directory / "label_map_v6.csv").open("w", newline="", encoding="utf-8") as handle:
        handle.write(
            "source_label,quality_statement\n"
            "Staff manner & personal attributes,caring.kindness_compassion_dignity\n"
            "Timeliness of care,responsive.equity_in_access\n"
            "Supplying & understanding medication,safe.medicines_optimisation\n"
            "Positive experience & gratitude,\nLabelling not possible,\n"
        )
    with (directory / "pxtextmining_phase1.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(
            [
                "code",
                "label",
                "subcategory",
                "feedback",
                "criticality",
                "organization",
                "question",
                "row_index",
            ]
        )
        for i in range(12):
            writer.writerow(
                [
                    "cm",
                    "Care received",
                    "Medication",
                    f"Medicines were late {i}",
                    "-2",
                    "Trust A",
                    "Trust A - Q1",
                    i,
                ]
            )
            writer.writerow(
                [
                    "xn",
                    "Couldn't be improved",
                    "Nothing to improve",
                    f"Nothing {i}",
                    "3",
                    "Trust A",
                    "Trust A - Q1",
                    100 + i,
                ]
            )
    with (directory / "label_map_phase1.csv").open("w", newline="", encoding="utf-8") as handle:
        handle.write(
            "code,subcategory,quality_statement\ncm,Medication,safe.medicines_optimisation\n"
            "xn,Nothing to improve,\n"
        )
    return directory
