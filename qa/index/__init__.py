"""Stage: documents -> passages with exact offsets -> vectors -> the folder on disk; the only code that writes index/."""
