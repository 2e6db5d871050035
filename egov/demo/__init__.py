"""Demo: the real-looking province a fresh `make run` shows (composition only).

Seeds Tỉnh Thái Nguyên's unit tree (the 92 communes and wards of the 2025 reform), staff for
every role, the working calendar and the procedure catalogue. Depends on every domain app.
"""
