"""The reference web client (Clients/web) in a real browser: headless Chromium, driven by Selenium,
against the real crmd serving the client and its API through the bridge (`--http`, `--web`).

Walks the seed scenario as a manager would: signs in with a token; creates a lead and is asked
for exactly the required fields (S1–S2); moves it on the board by keyboard and by drag and drop,
a refused move asking for exactly the missing fields (S3–S4); books a meeting from free slots
(S5); converts a lead answering the "create missing fields" and duplicate questions (S9–S13);
looks an INN up in the registry stand-in and sees the company renamed (S14–S16); moves a deal to
"contract signed" (S17); edits product rows (S19); creates an invoice, being asked for the
seller's details (S20–S21); opens, prints, downloads, links and e-mails it (S22); filters the
invoices list (S23). Another user's changes appear live, and what was missed while the WebSocket
was down is caught up once; a value the server refuses is said in its form; the screens work
from the keyboard. The first screen with 500 leads is timed (the figure is printed and kept
with the artifacts), and one of them found by its phone. Without --web, the executable serves
the same files as Clients/web (its embedded copy is up to date).

When a test fails, a screenshot, the page and the console log are kept in $CRMD_ARTIFACTS (else
.build/artifacts/web/). Without chromium, chromedriver or selenium every test is skipped, saying
which is missing.
"""
from __future__ import annotations

import json
import urllib.request

import pytest
from pypdf import PdfReader

from web_helpers import (WEB_DIR, registry_stub, Browser, artifacts_dir, require_browser, signed_in_user, start_bridge,
                         wait_for_bridge_url)

PHONE = "8 (916) 555-12-34"


class Web:
    """One test's world: crmd with the bridge, an administrator's socket client, the browser."""

    def __init__(self, server, url: str, admin, user_id: int, token: str, browser: Browser):
        self.server, self.url, self.admin, self.user_id, self.token, self.browser = server, url, admin, user_id, token, browser


@pytest.fixture
def web(make_server, request):
    require_browser()
    stub = registry_stub()
    browser = None
    admin = None
    failures_before = request.session.testsfailed
    try:
        server, url = start_bridge(make_server, config=stub.config())
        admin = server.client()
        user_id, token = signed_in_user(admin)
        browser = Browser(url)
        yield Web(server, url, admin, user_id, token, browser)
        thrown = browser.uncaught_errors()
        if thrown:
            browser.save_artifacts(request.node.name + "-threw")
        assert thrown == [], "the page's scripts threw"
    finally:
        if browser is not None:
            if request.session.testsfailed > failures_before:
                print(f"artifacts of the failure: {browser.save_artifacts(request.node.name)}")
            browser.quit()
        if admin is not None:
            admin.close()
        stub.stop()


def keys():
    from selenium.webdriver.common.keys import Keys
    return Keys


def select(element):
    from selenium.webdriver.support.ui import Select
    return Select(element)


def full_lead(admin, **fields) -> dict:
    base = {"title": "Видеонаблюдение на складе", "name": "Иван", "lastName": "Петров", "phones": [{"value": PHONE}],
            "emails": [{"value": "petrov@example.ru"}], "city": "Химки", "topic": "Видеонаблюдение"}
    return admin.call("lead.add", {"fields": {**base, **fields}})


def dialog_fields(browser, name: str) -> list[str]:
    browser.find(f"dialog[data-dialog='{name}']")
    return [element.get_attribute("data-field") for element in browser.all(f"dialog[data-dialog='{name}'] .field")]


def card(browser, lead_id: int, stage: str | None = None):
    where = f".column[data-stage='{stage}'] " if stage else ""
    return browser.find(f"{where}.card[data-id='{lead_id}']")


# ---------------------------------------------------------------------------- the files

def test_the_executable_serves_the_same_client_as_clients_web(make_server):
    """Without --web the bridge serves its embedded copy (scripts/embed-web): byte for byte these files."""
    server = make_server(extra_args=["--http", "127.0.0.1:0"])
    url = wait_for_bridge_url(server)
    for path in sorted(WEB_DIR.rglob("*")):
        if path.is_file():
            relative = path.relative_to(WEB_DIR).as_posix()
            with urllib.request.urlopen(f"{url}/{relative}", timeout=10) as answer:
                assert answer.read() == path.read_bytes(), f"{relative} differs: run scripts/embed-web and rebuild"
    with urllib.request.urlopen(url + "/", timeout=10) as answer:
        assert answer.read() == (WEB_DIR / "index.html").read_bytes()
        assert answer.headers["Content-Type"].startswith("text/html")


# ---------------------------------------------------------------------------- sign in

def test_sign_in_refuses_a_wrong_token_then_keeps_the_session_until_sign_out(web):
    b = web.browser
    b.open()
    field = b.find("#login-token")
    assert b.focused() == field, "the token field should have the focus"
    field.send_keys("crmd_999_" + "A" * 43, keys().ENTER)
    error = b.find("#login-error")
    assert error.text.startswith("Такого токена нет") and error.get_attribute("role") == "alert"
    assert not b.all("#topbar:not([hidden])"), "nothing but the sign-in form before signing in"

    field.clear()
    field.send_keys(web.token, keys().ENTER)
    b.find(".board[data-loaded='true']")
    assert b.find("#who").text == "Анна Смирнова"
    assert b.find("main h1").text == "Лиды"
    stages = [column.get_attribute("data-stage") for column in b.all(".column")]
    assert stages == ["NEW", "QUALIFICATION", "OFFER_SENT", "MEETING_SCHEDULED", "FEEDBACK", "OBJECTIONS",
                      "MEETING_HELD", "CONSENT", "CONVERTED", "JUNK"]

    b.driver.refresh()
    b.find(".board[data-loaded='true']")
    b.press("Выйти")
    b.find("#login-token")
    b.driver.refresh()
    b.find("#login-token")
    assert not b.all(".board")


# ---------------------------------------------------------------------------- S1–S4

def test_a_new_lead_and_a_refused_move_ask_for_exactly_the_missing_fields(web):
    admin, b, k = web.admin, web.browser, keys()
    admin.call("field.add", {"entityType": "lead", "code": "site_area", "title": "Площадь объекта, м²", "type": "decimal"})
    pipeline = next(p for p in admin.call("pipeline.list", {"entityType": "lead"})["items"] if p["isDefault"])
    admin.call("stage.update", {"pipelineId": pipeline["id"], "stageId": "QUALIFICATION",
                                "requiredFields": ["companyTitle", "custom.site_area"]})
    b.sign_in(web.token)

    # S1–S2: only a title typed; the server's refusal becomes a form of exactly its four fields.
    b.press("Новый лид")
    b.find("dialog[data-dialog='new-lead']")
    b.focused().send_keys("Видеонаблюдение на складе", k.ENTER)
    assert dialog_fields(b, "missing-fields") == ["phones", "emails", "city", "topic"]
    b.focused().send_keys(PHONE, k.TAB, "petrov@example.ru", k.TAB, "Химки", k.TAB, "Видеонаблюдение", k.ENTER)
    moving = b.find(".column[data-stage='NEW'] .card")
    lead = admin.call("lead.get", {"id": int(moving.get_attribute("data-id"))})
    assert (lead["title"], lead["city"], lead["topic"], lead["stageId"]) == ("Видеонаблюдение на складе", "Химки", "Видеонаблюдение", "NEW")
    assert [phone["value"] for phone in lead["phones"]] == [PHONE]

    # S3–S4 by keyboard: the card's stage select, arrow down, Enter. Escape cancels the form.
    stage = moving.find_element("css selector", "select")
    stage.send_keys(k.ARROW_DOWN, k.ENTER)
    assert dialog_fields(b, "missing-fields") == ["companyTitle", "custom.site_area"]
    titles = [label.text for label in b.all("dialog[data-dialog='missing-fields'] label")]
    assert titles == ["Название компании *", "Площадь объекта, м² *"]
    b.focused().send_keys(k.ESCAPE)
    b.gone("dialog")
    card(b, lead["id"], "NEW")
    assert b.focused() == stage, "focus goes back to the control that opened the form"
    assert stage.get_attribute("value") == "NEW"
    assert admin.call("lead.get", {"id": lead["id"]})["stageId"] == "NEW"

    stage.send_keys(k.ARROW_DOWN, k.ENTER)
    assert dialog_fields(b, "missing-fields") == ["companyTitle", "custom.site_area"]
    b.focused().send_keys("ИП Петров", k.TAB, "850", k.ENTER)
    card(b, lead["id"], "QUALIFICATION")
    lead = admin.call("lead.get", {"id": lead["id"]})
    assert (lead["stageId"], lead["companyTitle"], lead["custom"]["site_area"]) == ("QUALIFICATION", "ИП Петров", "850")

    # By drag and drop: the card dropped on another column (the events a drag delivers).
    b.js("""
        const [card, column] = arguments;
        const transfer = new DataTransfer();
        card.dispatchEvent(new DragEvent('dragstart', {bubbles: true, dataTransfer: transfer}));
        column.dispatchEvent(new DragEvent('dragover', {bubbles: true, cancelable: true, dataTransfer: transfer}));
        column.dispatchEvent(new DragEvent('drop', {bubbles: true, cancelable: true, dataTransfer: transfer}));
        card.dispatchEvent(new DragEvent('dragend', {bubbles: true, dataTransfer: transfer}));
    """, card(b, lead["id"]), b.find(".column[data-stage='MEETING_SCHEDULED']"))
    card(b, lead["id"], "MEETING_SCHEDULED")
    b.wait(lambda _: admin.call("lead.get", {"id": lead["id"]})["stageId"] == "MEETING_SCHEDULED")
    counts = {column.get_attribute("data-stage"): column.find_element("css selector", ".count").text for column in b.all(".column")}
    assert counts["NEW"] == "0" and counts["MEETING_SCHEDULED"] == "1"


def test_a_value_the_server_refuses_is_said_in_the_form_which_keeps_what_was_typed(web):
    admin, b, k = web.admin, web.browser, keys()
    b.sign_in(web.token)
    b.press("Новый лид")
    b.find("dialog[data-dialog='new-lead']")
    b.find("dialog [data-field='title'] input").send_keys("Звонок с сайта")
    b.find("dialog [data-field='phones'] input").send_keys("+7 916 000-00-01")
    b.find("dialog [data-field='emails'] input").send_keys("не почта")
    b.find("dialog [data-field='city'] input").send_keys("Москва")
    b.find("dialog [data-field='topic'] input").send_keys("Камеры", k.ENTER)
    error = b.find("dialog[data-dialog='new-lead'] .form-error")
    assert "emails" in error.text and error.get_attribute("role") == "alert"
    assert b.find("dialog [data-field='title'] input").get_attribute("value") == "Звонок с сайта"
    assert admin.call("lead.list", {})["items"] == []

    emails = b.find("dialog [data-field='emails'] input")
    emails.clear()
    emails.send_keys("client@example.ru", k.ENTER)
    b.gone("dialog")
    lead = admin.call("lead.list", {})["items"][0]
    assert [email["value"] for email in lead["emails"]] == ["client@example.ru"]
    card(b, lead["id"], "NEW")


def test_a_new_deal_on_the_deals_board(web):
    b, k = web.browser, keys()
    b.sign_in(web.token)
    b.find("#topbar a[href='#/deals']").click()
    b.find(".board[data-entity='deal'][data-loaded='true']")
    b.press("Новая сделка")
    b.find("dialog[data-dialog='new-deal']")
    b.focused().send_keys("Охрана периметра", k.TAB, "150000,50", k.ENTER)
    made = b.find(".board[data-entity='deal'] .column[data-stage='NEW'] .card")
    assert "Охрана периметра" in made.text and "150 000,50 ₽" in made.text
    deal = web.admin.call("deal.get", {"id": int(made.get_attribute("data-id"))})
    assert (deal["title"], deal["opportunity"], deal["stageId"]) == ("Охрана периметра", "150000.50", "NEW")


# ---------------------------------------------------------------------------- live

def test_another_users_changes_appear_on_the_board_and_the_card_without_a_reload(web):
    admin, b = web.admin, web.browser
    first = full_lead(admin, title="Камеры для офиса")
    b.sign_in(web.token)
    card(b, first["id"], "NEW")
    b.js("window.__sameDocument = true")

    second = full_lead(admin, title="Домофон в подъезд")
    assert "Домофон в подъезд" in card(b, second["id"], "NEW").text
    admin.call("lead.update", {"id": first["id"], "fields": {"stageId": "OBJECTIONS", "title": "Камеры для офиса, 12 шт"}})
    b.wait(lambda _: "Камеры для офиса, 12 шт" in card(b, first["id"], "OBJECTIONS").text)
    admin.call("lead.delete", {"id": second["id"]})
    b.gone(f".card[data-id='{second['id']}']")

    card(b, first["id"]).find_element("css selector", "a").click()
    b.find("#fields-heading")
    admin.call("comment.add", {"entityType": "lead", "id": first["id"], "text": "Клиент перезвонит в понедельник"})
    b.text_appears(".timeline", "Клиент перезвонит в понедельник")
    admin.call("lead.update", {"id": first["id"], "fields": {"city": "Долгопрудный"}})
    b.text_appears(".fields", "Долгопрудный")
    assert b.js("return window.__sameDocument") is True


def test_after_the_connection_drops_the_board_catches_up_on_what_it_missed(web):
    admin, b = web.admin, web.browser
    # Every WebSocket the page opens is kept where the test can reach it.
    b.driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": """
        window.__sockets = [];
        window.WebSocket = class extends WebSocket {
          constructor(...args) { super(...args); window.__sockets.push(this); }
        };"""})
    first = full_lead(admin, title="Камеры для офиса")
    b.sign_in(web.token)
    card(b, first["id"], "NEW")
    assert b.js("return window.__sockets.length") == 1

    b.js("""window.__said = [];
        const line = document.getElementById('connection');
        new MutationObserver(() => window.__said.push(line.textContent)).observe(line, {childList: true, subtree: true});
        window.__sockets[0].close();""")
    missed = full_lead(admin, title="Пока не было связи")          # written while the page is off line
    admin.call("lead.update", {"id": first["id"], "fields": {"stageId": "FEEDBACK"}})
    card(b, missed["id"], "NEW")
    card(b, first["id"], "FEEDBACK")
    b.wait(lambda _: b.js("return document.getElementById('connection').textContent") == "", message="still off line")
    assert b.js("return window.__sockets.length") == 2
    assert "Нет связи с сервером, переподключаемся…" in b.js("return window.__said"), "the page said it was off line"
    assert len(b.all(f".card[data-id='{missed['id']}']")) == 1, "an event replayed after reconnecting is shown once"


# ---------------------------------------------------------------------------- S5

def test_a_meeting_is_booked_in_a_free_slot(web):
    admin, b = web.admin, web.browser
    lead = full_lead(admin)
    stand = admin.call("resource.add", {"name": "Демонстрационный стенд", "place": "Шоурум"})
    b.sign_in(web.token)
    b.open(f"#/lead/{lead['id']}")
    b.press("Назначить встречу")
    b.find("dialog[data-dialog='meeting']")
    select(b.find("#meeting-resource")).select_by_value(str(stand["id"]))

    def checked_slot(_) -> str:   # read inside a wait: the list is rebuilt when the slots reload
        return b.find("dialog input[name='slot']:checked").get_attribute("value")

    taken, taken_end = b.wait(checked_slot).split("|")
    # Someone else books that hour for this manager while the form is open: the booking is
    # refused (slotBusy), the form says so and offers the free slots again.
    admin.call("activity.add", {"fields": {"type": "meeting", "subject": "Планёрка", "start": taken, "end": taken_end,
                                           "responsibleId": web.user_id}})
    place = b.find("#meeting-place")
    place.send_keys("Химки, Ленинградское ш., 1", keys().ENTER)
    b.text_appears("dialog[data-dialog='meeting'] .form-error", "Это время уже занято")
    b.wait(lambda _: checked_slot(_).split("|")[0] != taken, message="the slots were not reloaded")
    start = b.wait(checked_slot).split("|")[0]
    b.press("Забронировать")
    b.gone("dialog")
    b.text_appears(".timeline", "Встреча: Видеонаблюдение на складе")
    meetings = admin.call("activity.list", {"filter": {"entityType": "lead", "entityId": lead["id"]}})["items"]
    assert len(meetings) == 1
    meeting = meetings[0]
    assert (meeting["type"], meeting["start"], meeting["place"], meeting["resourceId"], meeting["responsibleId"]) == \
        ("meeting", start, "Химки, Ленинградское ш., 1", stand["id"], web.user_id)


# ---------------------------------------------------------------------------- S9–S13

def test_conversion_creates_the_missing_fields_and_merges_into_the_duplicate_contact(web):
    admin, b = web.admin, web.browser
    admin.call("field.add", {"entityType": "lead", "code": "site_area", "title": "Площадь объекта, м²", "type": "decimal"})
    lead = full_lead(admin, clientType="ip", companyTitle="ИП Петров", custom={"site_area": "850"})
    admin.call("lead.update", {"id": lead["id"], "fields": {"stageId": "CONSENT"}})
    existing = admin.call("contact.add", {"fields": {"name": "Иван", "phones": [{"value": "+79165551234"}]}})

    b.sign_in(web.token)
    b.open(f"#/lead/{lead['id']}")

    # S8: the client's requisites stored in the lead card.
    b.press("Изменить")
    b.find("dialog[data-dialog='edit-record'] [data-field='requisites']")
    inn = b.find("dialog [data-field='requisites'] input")
    inn.send_keys("500100732259")
    ogrnip = b.all("dialog [data-field='requisites'] input")[3]
    ogrnip.send_keys("304500116000157", keys().ENTER)
    b.gone("dialog")
    b.text_appears(".fields", "ИНН 500100732259")
    assert admin.call("lead.get", {"id": lead["id"]})["requisites"] == {"inn": "500100732259", "ogrnip": "304500116000157"}

    b.press("Конвертировать")
    b.text_appears("dialog[data-dialog='create-missing-fields']", "Площадь объекта, м²")
    b.press("Создать поля и перенести значения")
    duplicates = b.find("dialog[data-dialog='duplicates']")
    assert "совпадает: телефон" in duplicates.text and "555-12-34" in duplicates.text
    b.find(f"label[for='decision-contact-merge-{existing['id']}']").click()
    b.press("Продолжить конвертацию")
    b.wait(lambda driver: driver.current_url.split("#")[1].startswith("/deal/"), message="the new deal did not open")
    deal_id = int(b.driver.current_url.split("/deal/")[1])
    b.wait(lambda _: b.find("main h1").text == "Сделка: Видеонаблюдение на складе")
    deal = admin.call("deal.get", {"id": deal_id})
    assert deal["contactId"] == existing["id"] and deal["companyId"] is not None
    assert deal["custom"]["site_area"] == "850"
    assert admin.call("contact.get", {"id": existing["id"]})["lastName"] == "Петров"
    assert admin.call("lead.get", {"id": lead["id"]})["stageId"] == "CONVERTED"
    b.find(f".fields a[href='#/contact/{existing['id']}']")


# ---------------------------------------------------------------------------- S14–S16

def test_requisites_looked_up_by_inn_rename_the_company(web):
    admin, b, k = web.admin, web.browser, keys()
    company = admin.call("company.add", {"fields": {"title": "Видеонаблюдение на складе"}})
    b.sign_in(web.token)
    b.open(f"#/company/{company['id']}")
    b.press("Добавить реквизиты")
    b.find("dialog[data-dialog='requisite']")
    b.find("label[for='requisite-preset-ip']").click()
    inn = b.find("#requisite-inn")
    inn.send_keys("7707083893", k.ENTER)   # the stand-in answers HTTP 500 for it
    b.text_appears("#requisite-lookup-result", "Реестр недоступен")
    assert b.all("dialog[data-dialog='requisite']"), "a failed lookup keeps the form open"

    inn.clear()
    inn.send_keys("500100732259", k.ENTER)
    b.text_appears("#requisite-lookup-result", "Найден в реестре")
    assert b.find("#requisite-shortName").get_attribute("value") == "ИП Петров П. П."
    assert b.find("#requisite-ogrnip").get_attribute("value") == "304500116000157"
    assert b.find("label[for='requisite-rename']").text == "Переименовать компанию в «ИП Петров П. П.»"
    b.press("Сохранить реквизиты")
    b.gone("dialog")
    b.wait(lambda _: b.find("main h1").text == "Компания: ИП Петров П. П.", message="the company was not renamed on screen")
    b.text_appears("#requisites", "304500116000157")
    assert admin.call("company.get", {"id": company["id"]})["title"] == "ИП Петров П. П."
    requisite = admin.call("requisite.list", {"entityType": "company", "entityId": company["id"]})["items"][0]
    assert (requisite["preset"], requisite["source"], requisite["fields"]["inn"]) == ("ip", "registry:online", "500100732259")


# ---------------------------------------------------------------------------- S17–S23

def test_a_deal_to_a_paid_invoice_page_pdf_link_mail_and_list(web):
    admin, b, k = web.admin, web.browser, keys()
    payer = admin.call("company.add", {"fields": {"title": "ИП Петров", "emails": [{"value": "petrov@example.ru"}]}})
    admin.call("requisite.add", {"entityType": "company", "entityId": payer["id"], "preset": "ip",
                                 "fields": {"inn": "500100732259"}, "lookup": True})
    deal = admin.call("deal.add", {"fields": {"title": "Видеонаблюдение на складе", "companyId": payer["id"]}})
    camera = admin.call("product.add", {"fields": {"name": "Камера IP 4 Мп уличная", "price": "4500", "vatRate": "22"}})
    b.sign_in(web.token)
    b.find("#topbar a[href='#/deals']").click()
    card(b, deal["id"], "NEW").find_element("css selector", "a").click()
    b.find("#product-rows")

    # S17: "contract signed" asks for the contract's number and date.
    select(b.find("#record-stage")).select_by_value("CONTRACT_SIGNED")
    b.press("Перенести", within=".stage-line")
    assert dialog_fields(b, "missing-fields") == ["contractNumber", "contractDate"]
    b.js("arguments[0].value = '2026-03-01'", b.find("dialog [data-field='contractDate'] input"))
    b.focused().send_keys("15", k.ENTER)
    b.gone("dialog")
    b.wait(lambda _: admin.call("deal.get", {"id": deal["id"]})["stageId"] == "CONTRACT_SIGNED")
    b.wait(lambda _: select(b.find("#record-stage")).first_selected_option.text == "Договор подписан")
    assert admin.call("deal.get", {"id": deal["id"]})["contractDate"] == "2026-03-01"

    # S19: a catalog product and a one-time payment.
    b.press("Изменить товары")
    b.find("dialog[data-dialog='product-rows']")
    select(b.all("dialog .row-edit select")[0]).select_by_value(str(camera["id"]))
    quantity = b.all("dialog .row-edit input[id^='row-quantity']")[0]
    quantity.clear()
    quantity.send_keys("8")
    b.press("Добавить строку")
    b.all("dialog .row-edit input[id^='row-name']")[1].send_keys("Монтаж и настройка системы (разовый платёж)")
    b.all("dialog .row-edit input[id^='row-price']")[1].send_keys("45000")
    b.press("Сохранить товары")
    b.gone("dialog")
    b.text_appears("#product-rows", "Итого 81 000,00 ₽")   # WebDriver reads no-break spaces as spaces
    assert admin.call("deal.productRows.get", {"id": deal["id"]})["totals"]["total"] == "81000.00"

    # S20–S21: the seller is missing; one form asks for it, its requisites and its bank account.
    b.press("Создать счёт")
    needs = b.find("dialog[data-dialog='invoice-needs']")
    assert "Наша компания" in needs.text and "Банковский счёт" in needs.text and "Плательщик" not in needs.text
    b.find("#invoice-seller-title").send_keys("Видеосистемы")
    b.find("#invoice-seller-inn").send_keys("7736207543")
    b.find("#invoice-bank-bik").send_keys("044525593")
    b.find("#invoice-bank-name").send_keys("АО «Альфа-Банк»")
    b.find("#invoice-bank-account").send_keys("40702810801400016513", k.ENTER)
    b.wait(lambda driver: "#/invoice/" in driver.current_url, message="the invoice did not open")
    invoice_id = int(b.driver.current_url.split("/invoice/")[1])
    invoice = admin.call("invoice.get", {"id": invoice_id})
    assert invoice["total"] == "81000.00" and invoice["payerInn"] == "500100732259"
    b.wait(lambda _: b.find("main h1").text.startswith(f"Счёт № {invoice['number']} от "))

    # S22: shown, printed, downloaded, linked, e-mailed.
    b.wait(lambda _: invoice["number"] in (b.js("return document.querySelector('.invoice-frame').srcdoc") or ""))
    b.js("document.querySelector('.invoice-frame').contentWindow.print = () => { window.__printed = true; }")
    b.press("Печать")
    assert b.js("return window.__printed") is True
    b.press("Скачать PDF")
    pdf = b.wait_download(".pdf")
    assert pdf.read_bytes().startswith(b"%PDF-")
    text = PdfReader(str(pdf)).pages[0].extract_text()
    assert invoice["number"] in text and "500100732259" in text
    b.press("Публичная ссылка")
    page_url = b.find("#public-link").get_attribute("value")
    assert page_url.startswith(web.url + "/i/")
    with urllib.request.urlopen(b.find("a.public-pdf").get_attribute("href"), timeout=10) as answer:
        assert answer.status == 200 and answer.read(5) == b"%PDF-"
    with urllib.request.urlopen(page_url, timeout=10) as answer:
        assert invoice["number"] in answer.read().decode("utf-8")
    b.press("Отправить по e-mail")
    b.find("#send-to").send_keys("petrov@example.ru", k.ENTER)
    b.gone("dialog")
    b.text_appears("#status-line", "Письмо поставлено в очередь")
    b.wait(lambda _: admin.call("invoice.get", {"id": invoice_id})["status"] == "sent")
    assert len(admin.call("invoice.get", {"id": invoice_id})["messages"]) == 1

    # S23: the invoices list with its filters (kept in the address).
    b.find("#topbar a[href='#/invoices']").click()
    b.find(f"table.invoices tr[data-id='{invoice_id}']")
    select(b.find("#filter-status")).select_by_value("paid")
    b.find("#filter-search").send_keys(k.ENTER)
    b.text_appears("main", "Счетов не найдено")
    assert "status=paid" in b.driver.current_url
    select(b.find("#filter-status")).select_by_value("sent")
    b.find("#filter-search").send_keys("500100732259", k.ENTER)
    row = b.find(f"table.invoices tr[data-id='{invoice_id}']")
    assert "Отправлен" in row.text and "81 000,00 ₽" in row.text
    admin.call("invoice.addPayment", {"id": invoice_id, "amount": "81000.00", "date": invoice["date"]})
    b.wait(lambda _: not b.all(f"table.invoices tr[data-id='{invoice_id}']"), message="a paid invoice stays under «sent»")


def test_an_invoice_for_a_deal_without_a_payer_asks_for_the_payer_then_its_inn(web):
    admin, b, k = web.admin, web.browser, keys()
    seller = admin.call("company.add", {"fields": {"title": "Видеосистемы", "isMyCompany": True}})
    requisite = admin.call("requisite.add", {"entityType": "company", "entityId": seller["id"], "preset": "legal", "fields": {
        "inn": "7736207543", "kpp": "773601001", "shortName": "ООО «Видеосистемы»"}})
    admin.call("bankDetail.add", {"requisiteId": requisite["id"], "fields": {"bik": "044525593", "account": "40702810801400016513"}})
    client = admin.call("company.add", {"fields": {"title": "Петров"}})
    deal = admin.call("deal.add", {"fields": {"title": "Домофон"}})
    admin.call("deal.productRows.set", {"id": deal["id"], "rows": [{"name": "Домофон с монтажом", "price": "12500"}]})
    b.sign_in(web.token)
    b.open(f"#/deal/{deal['id']}")
    b.press("Создать счёт")

    needs = b.find("dialog[data-dialog='invoice-needs']")
    assert "Плательщик" in needs.text and "Наша компания" not in needs.text
    select(b.find("#invoice-payer")).select_by_visible_text("Петров")
    b.press("Сохранить и создать счёт")
    b.wait(lambda _: "Реквизиты плательщика" in b.find("dialog[data-dialog='invoice-needs']").text,
           message="the payer's missing requisites were not asked for")
    b.find("#invoice-payer-inn").send_keys("500100732259", k.ENTER)
    b.wait(lambda driver: "#/invoice/" in driver.current_url, message="the invoice did not open")
    invoice = admin.call("invoice.get", {"id": int(b.driver.current_url.split("/invoice/")[1])})
    assert (invoice["dealId"], invoice["payerInn"], invoice["total"]) == (deal["id"], "500100732259", "12500.00")
    assert admin.call("deal.get", {"id": deal["id"]})["companyId"] == client["id"]
    assert admin.call("company.get", {"id": client["id"]})["title"] == "ИП Петров П. П."

    b.press("Отметить отправленным")
    b.text_appears("main .badge", "Отправлен")
    assert admin.call("invoice.get", {"id": invoice["id"]})["status"] == "sent"
    b.press("Отменить счёт")
    b.text_appears("main .badge", "Отменён")
    assert admin.call("invoice.get", {"id": invoice["id"]})["status"] == "cancelled"


# ---------------------------------------------------------------------------- keyboard

def test_the_keyboard_reaches_every_action_and_focus_is_visible(web):
    b, k = web.browser, keys()
    full_lead(web.admin)
    b.open()
    b.focused().send_keys(web.token, k.ENTER)
    b.find(".board[data-loaded='true']")
    assert b.focused().tag_name == "h1", "after a screen opens the focus is on its heading"

    b.focused().send_keys(k.TAB)
    new_lead = b.focused()
    assert new_lead.text == "Новый лид"
    outline = b.js("return getComputedStyle(arguments[0]).outlineStyle", new_lead)
    assert outline != "none", "a focused control shows it"
    new_lead.send_keys(k.ENTER)
    dialog = b.find("dialog[data-dialog='new-lead']")
    assert dialog.get_attribute("aria-labelledby")
    assert b.focused().get_attribute("name") == "title"
    b.focused().send_keys(k.ESCAPE)
    b.gone("dialog")
    assert b.focused() == new_lead

    # Every control on the board has a name a screen reader can say.
    unnamed = b.js("""
        return [...document.querySelectorAll('main button, main select, main input, main a')]
          .filter((el) => !(el.labels?.length || el.getAttribute('aria-label') || el.textContent.trim()))
          .map((el) => el.outerHTML.slice(0, 80));
    """)
    assert unnamed == []
    b.focused().send_keys(k.TAB)
    assert b.focused().get_attribute("id") == "board-search"
    b.focused().send_keys(k.TAB)
    assert b.focused().text == "Найти"
    b.focused().send_keys(k.TAB)
    assert b.focused().get_attribute("class") == "card-title"
    b.focused().send_keys(k.ENTER)
    b.find("#fields-heading")
    assert b.driver.current_url.split("#")[1].startswith("/lead/")


# ---------------------------------------------------------------------------- speed

def test_first_screen_with_500_leads(web):
    """Times the board of 500 leads from navigation to rendered cards; the figure goes to bench/."""
    for first in range(0, 500, 100):
        replies = web.admin.batch([("lead.add", {"fields": {
            "title": f"Лид {n}", "phones": [{"value": f"+7916{n:07d}"}], "emails": [{"value": f"lead{n}@example.ru"}],
            "city": "Москва", "topic": "Камеры"}}) for n in range(first, first + 100)], timeout=60)
        assert not [reply for reply in replies if isinstance(reply, Exception)]
    web.admin.call("lead.update", {"id": replies[0]["id"], "fields": {"stageId": "JUNK"}})   # a card in the last column
    b = web.browser
    b.sign_in(web.token)
    figures = []
    for _ in range(3):
        b.driver.get("about:blank")   # a new document each time, not a move within the page
        b.driver.get(web.url + "/#/leads")
        b.find(".board[data-loaded='true']", timeout=30)
        figures.append(b.js("return performance.getEntriesByName('crmd-board-ready')[0].startTime"))
        assert len(b.all(".card")) == 500
    assert b.js("return document.documentElement.scrollWidth <= innerWidth"), "the board scrolls sideways, not the page"
    best = min(figures)
    (artifacts_dir() / "first_screen_500_leads.json").write_text(json.dumps({"milliseconds": figures}))
    print(f"first screen with 500 leads: {best:.0f} ms (runs: {', '.join(f'{f:.0f}' for f in figures)}; target < 1000 ms)")
    assert best < 10000, "the board of 500 leads took over 10 s"

    # Finding one of them: a phone in another notation, by the server's full-text search.
    b.find("#board-search").send_keys("8 (916) 000-04-21", keys().ENTER)
    b.wait(lambda _: [element.text.split("\n")[0] for element in b.all(".card")] == ["Лид 421"],
           message="the search did not narrow the board to «Лид 421»")
    assert "q=8" in b.driver.current_url
