"""Device brands as customers spell them."""
from __future__ import annotations

import pytest

from bot.language.es.brands import BRANDS, normalize_brand


@pytest.mark.parametrize(
    ("text", "brand"),
    [
        ("Samsung", "Samsung"),
        ("samsung", "Samsung"),
        ("SAMSUNG", "Samsung"),
        ("samsun", "Samsung"),
        ("sansung", "Samsung"),
        ("sansumg", "Samsung"),
        ("un galaxy a52", "Samsung"),
        ("iphone", "Apple"),
        ("iPhone 13", "Apple"),
        ("iphon", "Apple"),
        ("aifon", "Apple"),
        ("una mac", "Apple"),
        ("ipad", "Apple"),
        ("motorola", "Motorola"),
        ("motorolla", "Motorola"),
        ("moto g7", "Motorola"),
        ("un moto e", "Motorola"),
        ("moto", "Motorola"),
        ("xiaomi", "Xiaomi"),
        ("xiomi", "Xiaomi"),
        ("shaomi", "Xiaomi"),
        ("redmi note 10", "Xiaomi"),
        ("poco x3", "Xiaomi"),
        ("huawei", "Huawei"),
        ("huawey", "Huawei"),
        ("Honor", "Honor"),
        ("tele LG", "LG"),
        ("una notebook lenovo", "Lenovo"),
        ("lenobo", "Lenovo"),
        ("hp", "HP"),
        ("compu dell", "Dell"),
        ("asus", "Asus"),
        ("acer", "Acer"),
        ("tcl", "TCL"),
        ("nokia", "Nokia"),
        ("alcatel", "Alcatel"),
        ("alcatell", "Alcatel"),
        ("tenda", "Tenda"),
        ("tp-link", "TP-Link"),
        ("TP Link", "TP-Link"),
        ("tplink", "TP-Link"),
        ("la play", "Sony"),  # Argentina
        ("PS5", "Sony"),
        ("playstation", "Sony"),
        ("plastation", "Sony"),
        ("xbox", "Microsoft"),
        ("nintendo switch", "Nintendo"),
        ("chromecast", "Google"),
        ("cromecast", "Google"),
        ("roku", "Roku"),
        ("smart tv hisense", "Hisense"),
        ("philips", "Philips"),
        ("noblex", "Noblex"),
        ("vivo y20", "Vivo"),
        ("es un samsung y el otro un iphone", "Samsung"),
        ("Sámsung", "Samsung"),
    ],
)
def test_normalize_brand(text: str, brand: str) -> None:
    assert normalize_brand(text) == brand, text


@pytest.mark.parametrize(
    "text",
    [
        "",
        "no sé",
        "un celular",
        "la compu",
        "anda un poco lento",
        "vivo solo",
        "lo compré en la tienda",
        "el celular del trabajo",
        "no tenga idea",
        "nose",
    ],
)
def test_normalize_brand_cannot_tell(text: str) -> None:
    assert normalize_brand(text) is None


def test_every_brand_normalizes_to_itself() -> None:
    for brand in BRANDS:
        assert normalize_brand(brand) == brand
