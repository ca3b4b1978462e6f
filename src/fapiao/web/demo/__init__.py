"""演示数据 (demo data): a company filled with realistic invoices, files, statuses and claims.

``fapiao demo`` calls :func:`fapiao.web.demo.services.demo_fill`; the generator
(:mod:`.generator`), the file writers (:mod:`.documents`, :mod:`.export`) and the catalogue of
parties and items (:mod:`.catalogue`) import no Django.
"""
