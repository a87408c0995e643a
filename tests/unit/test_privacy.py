from mot.privacy import mask_account, mask_address, mask_phone, mask_text


def test_phone_and_account_masks():
    assert mask_phone("13912345678") == "139****5678"
    assert mask_phone("0571-88886666") == "057****66"
    assert mask_phone("") == "****"
    assert mask_account("3100012345") == "31****2345"


def test_address_hides_the_room():
    assert mask_address("江南名城3栋502室") == "江南名城3栋**室"
    assert mask_address("幸福路与解放路交叉口") == "幸福路与解放路交叉口"


def test_free_text_masks_every_number():
    text = "户号3100012345，电话13912345678，工单GD2611240001"
    masked = mask_text(text)
    assert "3100012345" not in masked and "13912345678" not in masked
    assert "31****2345" in masked and "139****5678" in masked
    assert "GD2611240001" in masked
