"""omics"""
