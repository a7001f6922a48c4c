"""The figures of the real budget documents in ../shared/corpus, one module a document.

Each module holds ``FIGURES``, read off the PDF by a person with one extraction (pdftotext
-layout) and cross-checked with a second (pdfplumber's text), in the form FORMAT.md describes.
The reader's output is compared with them row by row and column by column.
"""
