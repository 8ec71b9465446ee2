import pytest

from bot.support.wifi import WifiTopic, wifi_topics


@pytest.mark.parametrize(
    ("text", "topic"),
    [
        ("como cambio la contraseña del wifi", WifiTopic.CREDENTIALS),
        ("me olvidé la clave del wifi", WifiTopic.CREDENTIALS),
        ("quiero cambiar el nombre de la red", WifiTopic.CREDENTIALS),
        ("mi tele no encuentra la red wifi", WifiTopic.NOT_VISIBLE),
        ("no me aparece el wifi en el celu", WifiTopic.NOT_VISIBLE),
        ("cual es la diferencia entre 5g y 2.4", WifiTopic.BANDS),
        ("me conviene comprar un repetidor?", WifiTopic.REPEATERS),
        ("sirve un sistema mesh?", WifiTopic.REPEATERS),
        ("en mi pieza no llega la señal", WifiTopic.COVERAGE),
        ("donde pongo el router", WifiTopic.COVERAGE),
    ],
)
def test_topics_are_found(text, topic):
    assert topic in wifi_topics(text)


def test_no_topic_gives_the_general_guidance():
    assert wifi_topics("tengo problemas con el wifi") == (WifiTopic.COVERAGE, WifiTopic.BANDS)
    assert wifi_topics(None) == (WifiTopic.COVERAGE, WifiTopic.BANDS)


def test_several_topics_keep_a_fixed_order():
    assert wifi_topics("la señal no llega a mi cuarto, sirve un repetidor?") == (
        WifiTopic.REPEATERS,
        WifiTopic.COVERAGE,
    )
