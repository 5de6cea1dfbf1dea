"""Signed QR doorplates (二维码门牌) and electronic patrol (电子巡更) checkpoints."""
