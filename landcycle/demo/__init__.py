"""The demo district: a deterministic Beilun (Ningbo) district in the interchange format.

``generator.generate_district(parcels, seed, years)`` gives the sheets as Polars frames;
``workbook.write_workbook`` / ``write_csv_folder`` write them; ``services.build_demo`` and the
``landcycle demo`` command import them, evaluate the latest year and serve the web app.
"""
