"""Export on a list whose filter is invalid (a search term too long) opens the list page with the
filter's message, not an empty error page or a failed download; a valid filter still downloads."""
from playwright.sync_api import expect

from crm.core.search import MAX_TERM_LENGTH


def test_export_with_a_too_long_term_shows_the_list_with_the_message_and_a_valid_one_downloads(
        page, live_server, live_user, login):
    login(live_user())
    page.goto(f"{live_server}/agreements?q={'x' * (MAX_TERM_LENGTH + 1)}")
    message = page.get_by_text(f"Search for at most {MAX_TERM_LENGTH} characters.").first
    expect(message).to_be_visible()
    page.get_by_role("link", name="CSV").click()
    expect(page).to_have_url(f"{live_server}/agreements/export.csv?q={'x' * (MAX_TERM_LENGTH + 1)}")
    expect(message).to_be_visible()
    expect(page.get_by_role("heading", name="Agreements", exact=True)).to_be_visible()
    page.goto(f"{live_server}/agreements")
    with page.expect_download() as download:
        page.get_by_role("link", name="Excel").click()
    assert download.value.suggested_filename.startswith("agreements-")
