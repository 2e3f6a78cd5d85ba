"""What newsbot knows: pure domain records and rules, plus one storage package (news.store)."""
