"""The biobank: specimens from collection to aliquot, storage and shipment,
gated by consent."""
