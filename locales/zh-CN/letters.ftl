# 文书的 DOCX 导出（issue 21 第2项）：可编辑的非正式副本。
letter-docx-failed = 文书 { $document } 写成 DOCX 失败：{ $detail }
letter-docx-templates-changed = 文书 { $id } 出具时所用的模板与现行模板不同，无法生成其 DOCX 副本（--format docx）；请导出存档的 PDF、HTML 或文本。
help-value-format-docx = DOCX，可编辑的非正式副本（不存档，不能核验）
