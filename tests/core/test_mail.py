import io

from django.core.mail import EmailMessage

from compagnons.core.mail import DevelopmentEmailBackend


def test_development_backend_writes_one_file_per_message_and_echoes_to_console(tmp_path):
    console = io.StringIO()
    backend = DevelopmentEmailBackend(file_path=str(tmp_path), stream=console)
    messages = [
        EmailMessage("Bienvenue", "Cliquez sur le lien : http://x/confirmer/", to=["lea@exemple.test"]),
        EmailMessage("Rappel", "Votre séance est demain.", to=["jp@exemple.test"]),
    ]

    assert backend.send_messages(messages) == 2

    files = sorted(tmp_path.glob("*.eml"))
    assert len(files) == 2
    assert any(b"http://x/confirmer/" in f.read_bytes() for f in files)
    assert "http://x/confirmer/" in console.getvalue()
    assert "lea@exemple.test" in console.getvalue()
