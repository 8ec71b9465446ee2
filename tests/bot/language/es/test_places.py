"""Where a prospect says the installation would be."""
import pytest

from bot.language.es.places import zone_in


@pytest.mark.parametrize(
    ("text", "zone"),
    [
        ("quiero contratar 300 megas en Luque, me llamo Ana", "Luque"),
        ("quiero contratar internet para mi casa en San Lorenzo, no soy cliente", "San Lorenzo"),
        ("me llamo ana y vivo en luque", "luque"),
        ("quiero fibra en fernando de la mora", "fernando de la mora"),
        ("tienen cobertura en el barrio San Vicente?", "San Vicente"),
        ("hay en Lambaré?", "Lambaré"),
        ("soy de Asunción", "Asunción"),
        ("llega la fibra en villa elisa?", "villa elisa"),
        ("quiero contratar en cuotas", None),
        ("quiero internet en mi casa", None),
        ("quiero el plan en 3 cuotas", None),
        ("en todos los dispositivos", None),
        ("anda mal en el celular", None),
        ("quiero contratar 300 megas", None),
    ],
)
def test_the_place_a_message_names(text: str, zone: str | None) -> None:
    assert zone_in(text) == zone
