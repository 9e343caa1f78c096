-- Enterprises and investment projects (issue 18, points 1-3): what the
-- boards count and report besides hectares.
--
--   enterprises          the investors (lessees), one register per board
--   vsic_sections        VSIC 2018's 21 sections A-U  } reference tables,
--   vsic_divisions       its 88 divisions 01-99       } filled below
--   projects             investment projects (IRC), in a zone, of an enterprise
--   project_parcels      the parcels a project uses (a project has no geometry of its own)
--   project_adjustments  capital added ("tăng vốn") or reduced, each on its date
--   project_disbursements capital disbursed per project and calendar year
--   enterprise_reports   yearly figures per enterprise (revenue, exports, ...)
--   leases.enterprise_id every lease points to its enterprise
--
-- Money is exact: numeric, never double precision. A project's capital,
-- adjustments and disbursements are in the project's own currency (VND or
-- USD, ISO 4217) with the exchange rate recorded beside each amount (VND per
-- 1 USD, as the State Bank of Vietnam quotes it) and its date; the USD and
-- VND equivalents are generated columns computed by zg_usd and zg_vnd, the
-- one place they are computed (zonegis.Equivalents mirrors them for the
-- in-memory fakes and a test pins the two together): USD rounded to the
-- cent, VND to the đồng, halves away from zero (numeric round).
--
-- Confidential (shown exactly only to the board's own people, the ministry
-- and admins; registry.SeesConfidential): enterprises.contact, a project's
-- capital and its adjustments' and disbursements' amounts, and every figure
-- of enterprise_reports. MST, names, country, sector and flags are public.
--
-- These tables are not in the change log (no zg_log_change trigger): the
-- index does not carry them; they are read from PostgreSQL page by page.
-- Their writers take the change-log lock first, as every writer does
-- (zg_write_lock), so the one lock order holds.

-- VSIC 2018: Vietnam Standard Industrial Classification, issued with
-- Decision 27/2018/QĐ-TTg of the Prime Minister (6 July 2018), Appendix I;
-- sections and divisions (levels 1 and 2) with their Vietnamese names as
-- the Decision gives them and English names after ISIC Rev.4, which VSIC
-- 2018 follows. An enterprise's code may be finer (group, class, subclass:
-- 3 to 5 digits); its first two digits are its division.
CREATE TABLE vsic_sections (
    code     text PRIMARY KEY CHECK (code ~ '^[A-U]$'),
    name_vi  text NOT NULL CHECK (name_vi <> ''),
    name_en  text NOT NULL CHECK (name_en <> '')
);
CREATE TABLE vsic_divisions (
    code     text PRIMARY KEY CHECK (code ~ '^[0-9]{2}$'),
    section  text NOT NULL REFERENCES vsic_sections(code),
    name_vi  text NOT NULL CHECK (name_vi <> ''),
    name_en  text NOT NULL CHECK (name_en <> '')
);

INSERT INTO vsic_sections (code, name_vi, name_en) VALUES
    ('A', 'Nông nghiệp, lâm nghiệp và thủy sản', 'Agriculture, forestry and fishing'),
    ('B', 'Khai khoáng', 'Mining and quarrying'),
    ('C', 'Công nghiệp chế biến, chế tạo', 'Manufacturing'),
    ('D', 'Sản xuất và phân phối điện, khí đốt, nước nóng, hơi nước và điều hoà không khí', 'Electricity, gas, steam and air conditioning supply'),
    ('E', 'Cung cấp nước; hoạt động quản lý và xử lý rác thải, nước thải', 'Water supply; sewerage, waste management and remediation activities'),
    ('F', 'Xây dựng', 'Construction'),
    ('G', 'Bán buôn và bán lẻ; sửa chữa ô tô, mô tô, xe máy và xe có động cơ khác', 'Wholesale and retail trade; repair of motor vehicles and motorcycles'),
    ('H', 'Vận tải kho bãi', 'Transportation and storage'),
    ('I', 'Dịch vụ lưu trú và ăn uống', 'Accommodation and food service activities'),
    ('J', 'Thông tin và truyền thông', 'Information and communication'),
    ('K', 'Hoạt động tài chính, ngân hàng và bảo hiểm', 'Financial, banking and insurance activities'),
    ('L', 'Hoạt động kinh doanh bất động sản', 'Real estate activities'),
    ('M', 'Hoạt động chuyên môn, khoa học và công nghệ', 'Professional, scientific and technical activities'),
    ('N', 'Hoạt động hành chính và dịch vụ hỗ trợ', 'Administrative and support service activities'),
    ('O', 'Hoạt động của Đảng Cộng sản, tổ chức chính trị - xã hội, quản lý Nhà nước, an ninh quốc phòng; bảo đảm xã hội bắt buộc', 'Activities of the Communist Party, socio-political organisations, public administration and defence; compulsory social security'),
    ('P', 'Giáo dục và đào tạo', 'Education and training'),
    ('Q', 'Y tế và hoạt động trợ giúp xã hội', 'Human health and social work activities'),
    ('R', 'Nghệ thuật, vui chơi và giải trí', 'Arts, entertainment and recreation'),
    ('S', 'Hoạt động dịch vụ khác', 'Other service activities'),
    ('T', 'Hoạt động làm thuê các công việc trong các hộ gia đình, sản xuất sản phẩm vật chất và dịch vụ tự tiêu dùng của hộ gia đình', 'Activities of households as employers; undifferentiated goods- and services-producing activities of households for own use'),
    ('U', 'Hoạt động của các tổ chức và cơ quan quốc tế', 'Activities of extraterritorial organisations and bodies');

INSERT INTO vsic_divisions (code, section, name_vi, name_en) VALUES
    ('01', 'A', 'Nông nghiệp và hoạt động dịch vụ có liên quan', 'Crop and animal production, hunting and related service activities'),
    ('02', 'A', 'Lâm nghiệp và hoạt động dịch vụ có liên quan', 'Forestry, logging and related service activities'),
    ('03', 'A', 'Khai thác, nuôi trồng thủy sản', 'Fishing and aquaculture'),
    ('05', 'B', 'Khai thác than cứng và than non', 'Mining of coal and lignite'),
    ('06', 'B', 'Khai thác dầu thô và khí đốt tự nhiên', 'Extraction of crude petroleum and natural gas'),
    ('07', 'B', 'Khai thác quặng kim loại', 'Mining of metal ores'),
    ('08', 'B', 'Khai khoáng khác', 'Other mining and quarrying'),
    ('09', 'B', 'Hoạt động dịch vụ hỗ trợ khai khoáng', 'Mining support service activities'),
    ('10', 'C', 'Sản xuất, chế biến thực phẩm', 'Manufacture of food products'),
    ('11', 'C', 'Sản xuất đồ uống', 'Manufacture of beverages'),
    ('12', 'C', 'Sản xuất sản phẩm thuốc lá', 'Manufacture of tobacco products'),
    ('13', 'C', 'Dệt', 'Manufacture of textiles'),
    ('14', 'C', 'Sản xuất trang phục', 'Manufacture of wearing apparel'),
    ('15', 'C', 'Sản xuất da và các sản phẩm có liên quan', 'Manufacture of leather and related products'),
    ('16', 'C', 'Chế biến gỗ và sản xuất sản phẩm từ gỗ, tre, nứa (trừ giường, tủ, bàn, ghế); sản xuất sản phẩm từ rơm, rạ và vật liệu tết bện', 'Manufacture of wood and of products of wood, bamboo and cork, except furniture; manufacture of articles of straw and plaiting materials'),
    ('17', 'C', 'Sản xuất giấy và sản phẩm từ giấy', 'Manufacture of paper and paper products'),
    ('18', 'C', 'In, sao chép bản ghi các loại', 'Printing and reproduction of recorded media'),
    ('19', 'C', 'Sản xuất than cốc, sản phẩm dầu mỏ tinh chế', 'Manufacture of coke and refined petroleum products'),
    ('20', 'C', 'Sản xuất hoá chất và sản phẩm hoá chất', 'Manufacture of chemicals and chemical products'),
    ('21', 'C', 'Sản xuất thuốc, hoá dược và dược liệu', 'Manufacture of pharmaceuticals, medicinal chemical and botanical products'),
    ('22', 'C', 'Sản xuất sản phẩm từ cao su và plastic', 'Manufacture of rubber and plastics products'),
    ('23', 'C', 'Sản xuất sản phẩm từ khoáng phi kim loại khác', 'Manufacture of other non-metallic mineral products'),
    ('24', 'C', 'Sản xuất kim loại', 'Manufacture of basic metals'),
    ('25', 'C', 'Sản xuất sản phẩm từ kim loại đúc sẵn (trừ máy móc, thiết bị)', 'Manufacture of fabricated metal products, except machinery and equipment'),
    ('26', 'C', 'Sản xuất sản phẩm điện tử, máy vi tính và sản phẩm quang học', 'Manufacture of computer, electronic and optical products'),
    ('27', 'C', 'Sản xuất thiết bị điện', 'Manufacture of electrical equipment'),
    ('28', 'C', 'Sản xuất máy móc, thiết bị chưa được phân vào đâu', 'Manufacture of machinery and equipment n.e.c.'),
    ('29', 'C', 'Sản xuất ô tô và xe có động cơ khác', 'Manufacture of motor vehicles and other motor vehicles'),
    ('30', 'C', 'Sản xuất phương tiện vận tải khác', 'Manufacture of other transport equipment'),
    ('31', 'C', 'Sản xuất giường, tủ, bàn, ghế', 'Manufacture of furniture'),
    ('32', 'C', 'Công nghiệp chế biến, chế tạo khác', 'Other manufacturing'),
    ('33', 'C', 'Sửa chữa, bảo dưỡng và lắp đặt máy móc và thiết bị', 'Repair, maintenance and installation of machinery and equipment'),
    ('35', 'D', 'Sản xuất và phân phối điện, khí đốt, nước nóng, hơi nước và điều hoà không khí', 'Electricity, gas, steam and air conditioning supply'),
    ('36', 'E', 'Khai thác, xử lý và cung cấp nước', 'Water collection, treatment and supply'),
    ('37', 'E', 'Thoát nước và xử lý nước thải', 'Sewerage and sewer treatment activities'),
    ('38', 'E', 'Hoạt động thu gom, xử lý và tiêu huỷ rác thải; tái chế phế liệu', 'Waste collection, treatment and disposal activities; materials recovery'),
    ('39', 'E', 'Xử lý ô nhiễm và hoạt động quản lý chất thải khác', 'Remediation activities and other waste management services'),
    ('41', 'F', 'Xây dựng nhà các loại', 'Construction of buildings'),
    ('42', 'F', 'Xây dựng công trình kỹ thuật dân dụng', 'Civil engineering'),
    ('43', 'F', 'Hoạt động xây dựng chuyên dụng', 'Specialised construction activities'),
    ('45', 'G', 'Bán, sửa chữa ô tô, mô tô, xe máy và xe có động cơ khác', 'Sale, repair and maintenance of motor vehicles and motorcycles'),
    ('46', 'G', 'Bán buôn (trừ ô tô, mô tô, xe máy và xe có động cơ khác)', 'Wholesale trade, except of motor vehicles and motorcycles'),
    ('47', 'G', 'Bán lẻ (trừ ô tô, mô tô, xe máy và xe có động cơ khác)', 'Retail trade, except of motor vehicles and motorcycles'),
    ('49', 'H', 'Vận tải đường sắt, đường bộ và vận tải đường ống', 'Land transport and transport via pipelines'),
    ('50', 'H', 'Vận tải đường thủy', 'Water transport'),
    ('51', 'H', 'Vận tải hàng không', 'Air transport'),
    ('52', 'H', 'Kho bãi và các hoạt động hỗ trợ cho vận tải', 'Warehousing and support activities for transportation'),
    ('53', 'H', 'Bưu chính và chuyển phát', 'Postal and courier activities'),
    ('55', 'I', 'Dịch vụ lưu trú', 'Accommodation'),
    ('56', 'I', 'Dịch vụ ăn uống', 'Food and beverage service activities'),
    ('58', 'J', 'Hoạt động xuất bản', 'Publishing activities'),
    ('59', 'J', 'Hoạt động điện ảnh, sản xuất chương trình truyền hình, ghi âm và xuất bản âm nhạc', 'Motion picture, video and television programme production, sound recording and music publishing activities'),
    ('60', 'J', 'Hoạt động phát thanh, truyền hình', 'Programming and broadcasting activities'),
    ('61', 'J', 'Viễn thông', 'Telecommunications'),
    ('62', 'J', 'Lập trình máy vi tính, dịch vụ tư vấn và các hoạt động khác liên quan đến máy vi tính', 'Computer programming, consultancy and related activities'),
    ('63', 'J', 'Hoạt động dịch vụ thông tin', 'Information service activities'),
    ('64', 'K', 'Hoạt động dịch vụ tài chính (trừ bảo hiểm và bảo hiểm xã hội)', 'Financial service activities, except insurance and social insurance'),
    ('65', 'K', 'Bảo hiểm, tái bảo hiểm và bảo hiểm xã hội (trừ bảo đảm xã hội bắt buộc)', 'Insurance, reinsurance and social insurance, except compulsory social security'),
    ('66', 'K', 'Hoạt động tài chính khác', 'Other financial activities'),
    ('68', 'L', 'Hoạt động kinh doanh bất động sản', 'Real estate activities'),
    ('69', 'M', 'Hoạt động pháp luật, kế toán và kiểm toán', 'Legal, accounting and auditing activities'),
    ('70', 'M', 'Hoạt động của trụ sở văn phòng; hoạt động tư vấn quản lý', 'Activities of head offices; management consultancy activities'),
    ('71', 'M', 'Hoạt động kiến trúc; kiểm tra và phân tích kỹ thuật', 'Architectural and engineering activities; technical testing and analysis'),
    ('72', 'M', 'Nghiên cứu khoa học và phát triển', 'Scientific research and development'),
    ('73', 'M', 'Quảng cáo và nghiên cứu thị trường', 'Advertising and market research'),
    ('74', 'M', 'Hoạt động chuyên môn, khoa học và công nghệ khác', 'Other professional, scientific and technical activities'),
    ('75', 'M', 'Hoạt động thú y', 'Veterinary activities'),
    ('77', 'N', 'Cho thuê máy móc, thiết bị (không kèm người điều khiển); cho thuê đồ dùng cá nhân và gia đình; cho thuê tài sản vô hình phi tài chính', 'Rental and leasing of machinery and equipment (without operator), of personal and household goods and of non-financial intangible assets'),
    ('78', 'N', 'Hoạt động dịch vụ lao động và việc làm', 'Employment activities'),
    ('79', 'N', 'Hoạt động của các đại lý du lịch, kinh doanh tua du lịch và các dịch vụ hỗ trợ, liên quan đến quảng bá và tổ chức tua du lịch', 'Travel agency, tour operator and related reservation and promotion activities'),
    ('80', 'N', 'Hoạt động điều tra bảo đảm an toàn', 'Security and investigation activities'),
    ('81', 'N', 'Hoạt động dịch vụ vệ sinh nhà cửa, công trình và cảnh quan', 'Services to buildings and landscape activities'),
    ('82', 'N', 'Hoạt động hành chính, hỗ trợ văn phòng và các hoạt động hỗ trợ kinh doanh khác', 'Office administrative, office support and other business support activities'),
    ('84', 'O', 'Hoạt động của Đảng Cộng sản, tổ chức chính trị - xã hội, quản lý Nhà nước, an ninh quốc phòng; bảo đảm xã hội bắt buộc', 'Activities of the Communist Party, socio-political organisations, public administration and defence; compulsory social security'),
    ('85', 'P', 'Giáo dục và đào tạo', 'Education and training'),
    ('86', 'Q', 'Hoạt động y tế', 'Human health activities'),
    ('87', 'Q', 'Hoạt động chăm sóc, điều dưỡng tập trung', 'Residential care activities'),
    ('88', 'Q', 'Hoạt động trợ giúp xã hội không tập trung', 'Social work activities without accommodation'),
    ('90', 'R', 'Hoạt động sáng tác, nghệ thuật và giải trí', 'Creative, arts and entertainment activities'),
    ('91', 'R', 'Hoạt động của thư viện, lưu trữ, bảo tàng và các hoạt động văn hoá khác', 'Libraries, archives, museums and other cultural activities'),
    ('92', 'R', 'Hoạt động xổ số, cá cược và đánh bạc', 'Lottery, gambling and betting activities'),
    ('93', 'R', 'Hoạt động thể thao, vui chơi và giải trí', 'Sports activities and amusement and recreation activities'),
    ('94', 'S', 'Hoạt động của các hiệp hội, tổ chức khác', 'Activities of membership organisations'),
    ('95', 'S', 'Sửa chữa máy vi tính, đồ dùng cá nhân và gia đình', 'Repair of computers and personal and household goods'),
    ('96', 'S', 'Hoạt động dịch vụ phục vụ cá nhân khác', 'Other personal service activities'),
    ('97', 'T', 'Hoạt động làm thuê công việc gia đình trong các hộ gia đình', 'Activities of households as employers of domestic personnel'),
    ('98', 'T', 'Hoạt động sản xuất sản phẩm vật chất và dịch vụ tự tiêu dùng của hộ gia đình', 'Undifferentiated goods- and services-producing activities of private households for own use'),
    ('99', 'U', 'Hoạt động của các tổ chức và cơ quan quốc tế', 'Activities of extraterritorial organisations and bodies');

-- An enterprise, as the board that registered it keeps it. mst is the tax
-- code (mã số thuế) as printed: 10 digits, or a branch's 13 as the
-- parent's 10, a dash and 3 digits ("0100109106-001"); the dash is stored
-- (zonegis.Enterprise.Validate accepts 13 digits without it and adds it).
-- NULL means unknown (never invented: the enterprises migrated from
-- leases have none). One board registers an MST once.
-- source: 'manual' (entered), 'migrated_lease' (made by this migration
-- from an existing lease's lessee), 'lease' (made when a lease was written
-- naming a lessee the board had no enterprise for).
CREATE TABLE enterprises (
    id                  bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
    board_id            text REFERENCES boards(id),
    mst                 text CHECK (mst ~ '^[0-9]{10}(-[0-9]{3})?$'),
    name_vi             text NOT NULL CHECK (name_vi <> ''),
    name_en             text NOT NULL DEFAULT '',
    country             text NOT NULL CHECK (country ~ '^[A-Z]{2}$'),
    vsic                text CHECK (vsic ~ '^[0-9]{2,5}$'),
    vsic_division       text GENERATED ALWAYS AS (left(vsic, 2)) STORED REFERENCES vsic_divisions(code),
    high_tech           boolean NOT NULL DEFAULT false,
    supporting_industry boolean NOT NULL DEFAULT false,
    contact             text NOT NULL DEFAULT '',
    source              text NOT NULL DEFAULT 'manual' CHECK (source IN ('manual','migrated_lease','lease')),
    synthetic           boolean NOT NULL DEFAULT false,
    version             bigint NOT NULL DEFAULT 1,
    updated_at          timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT enterprises_board_mst UNIQUE (board_id, mst)
);
CREATE INDEX enterprises_board_idx ON enterprises (board_id, id);
-- The enterprise a lease names by lessee and country, per board (what the
-- lease trigger below finds or creates).
CREATE UNIQUE INDEX enterprises_lessee_idx ON enterprises (coalesce(board_id, ''), name_vi, country)
    WHERE source IN ('migrated_lease','lease');

-- Equivalents of amount in currency at rate (VND per 1 USD).
CREATE FUNCTION zg_usd(amount numeric, currency text, rate numeric) RETURNS numeric
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
    SELECT CASE currency WHEN 'USD' THEN round(amount, 2) ELSE round(amount / rate, 2) END
$$;
CREATE FUNCTION zg_vnd(amount numeric, currency text, rate numeric) RETURNS numeric
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
    SELECT CASE currency WHEN 'VND' THEN round(amount, 0) ELSE round(amount * rate, 0) END
$$;

-- An investment project: its investment registration certificate (IRC,
-- Giấy chứng nhận đăng ký đầu tư) number and date, the enterprise, the
-- zone (whose board is the project's), FDI or domestic, registered capital
-- in its own currency at the rate recorded on rate_date. Workers planned
-- (in the IRC) and actual, Vietnamese and foreign.
CREATE TABLE projects (
    id                       bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
    irc_number               text NOT NULL UNIQUE CHECK (irc_number <> ''),
    irc_date                 date NOT NULL,
    enterprise_id            bigint NOT NULL REFERENCES enterprises(id),
    zone_id                  bigint NOT NULL REFERENCES zones(id),
    name_vi                  text NOT NULL CHECK (name_vi <> ''),
    name_en                  text NOT NULL DEFAULT '',
    origin                   text NOT NULL CHECK (origin IN ('fdi','domestic')),
    currency                 text NOT NULL CHECK (currency IN ('VND','USD')),
    capital                  numeric(24,2) NOT NULL CHECK (capital >= 0),
    rate                     numeric(12,4) NOT NULL CHECK (rate > 0),
    rate_date                date NOT NULL,
    capital_usd              numeric(24,2) GENERATED ALWAYS AS (zg_usd(capital, currency, rate)) STORED,
    capital_vnd              numeric(28,0) GENERATED ALWAYS AS (zg_vnd(capital, currency, rate)) STORED,
    status                   text NOT NULL DEFAULT 'licensed' CHECK (status IN ('licensed','operating','suspended','terminated')),
    workers_planned_vn       integer NOT NULL DEFAULT 0 CHECK (workers_planned_vn >= 0),
    workers_planned_foreign  integer NOT NULL DEFAULT 0 CHECK (workers_planned_foreign >= 0),
    workers_vn               integer NOT NULL DEFAULT 0 CHECK (workers_vn >= 0),
    workers_foreign          integer NOT NULL DEFAULT 0 CHECK (workers_foreign >= 0),
    synthetic                boolean NOT NULL DEFAULT false,
    version                  bigint NOT NULL DEFAULT 1,
    updated_at               timestamptz NOT NULL DEFAULT now(),
    UNIQUE (id, currency)
);
CREATE INDEX projects_zone_idx ON projects (zone_id, id);
CREATE INDEX projects_enterprise_idx ON projects (enterprise_id);

-- Capital added (amount > 0: "tăng vốn") or reduced (amount < 0) by an
-- amended IRC on adjusted_on, in the project's currency (the composite key
-- keeps it so), at its own rate.
CREATE TABLE project_adjustments (
    id           bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
    project_id   bigint NOT NULL,
    currency     text NOT NULL,
    adjusted_on  date NOT NULL,
    irc_number   text NOT NULL DEFAULT '',
    amount       numeric(24,2) NOT NULL CHECK (amount <> 0),
    rate         numeric(12,4) NOT NULL CHECK (rate > 0),
    rate_date    date NOT NULL,
    amount_usd   numeric(24,2) GENERATED ALWAYS AS (zg_usd(amount, currency, rate)) STORED,
    amount_vnd   numeric(28,0) GENERATED ALWAYS AS (zg_vnd(amount, currency, rate)) STORED,
    FOREIGN KEY (project_id, currency) REFERENCES projects(id, currency) ON UPDATE CASCADE ON DELETE CASCADE
);
CREATE INDEX project_adjustments_project_idx ON project_adjustments (project_id, adjusted_on);

-- Capital disbursed (giải ngân) in a calendar year, in the project's currency.
CREATE TABLE project_disbursements (
    project_id   bigint NOT NULL,
    currency     text NOT NULL,
    year         integer NOT NULL CHECK (year BETWEEN 1986 AND 2100),
    amount       numeric(24,2) NOT NULL CHECK (amount >= 0),
    rate         numeric(12,4) NOT NULL CHECK (rate > 0),
    rate_date    date NOT NULL,
    amount_usd   numeric(24,2) GENERATED ALWAYS AS (zg_usd(amount, currency, rate)) STORED,
    amount_vnd   numeric(28,0) GENERATED ALWAYS AS (zg_vnd(amount, currency, rate)) STORED,
    PRIMARY KEY (project_id, year),
    FOREIGN KEY (project_id, currency) REFERENCES projects(id, currency) ON UPDATE CASCADE ON DELETE CASCADE
);

-- The parcels a project uses: live parcels of the project's zone when
-- written (no foreign key, as for leases: a split or merge retires a
-- parcel and the row stays, history).
CREATE TABLE project_parcels (
    project_id  bigint NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
    parcel_id   bigint NOT NULL,
    PRIMARY KEY (project_id, parcel_id)
);
CREATE INDEX project_parcels_parcel_idx ON project_parcels (parcel_id);

CREATE FUNCTION zg_project_parcel_guard() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    pz bigint;
    jz bigint;
BEGIN
    SELECT zone_id INTO pz FROM parcels WHERE id = NEW.parcel_id;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'parcel % does not exist or was retired', NEW.parcel_id
            USING ERRCODE = 'foreign_key_violation', CONSTRAINT = 'project_parcels_parcel_id_fkey';
    END IF;
    SELECT zone_id INTO jz FROM projects WHERE id = NEW.project_id;
    IF pz IS DISTINCT FROM jz THEN
        RAISE EXCEPTION 'parcel % is in zone %, not in the project''s zone %', NEW.parcel_id, pz, jz
            USING ERRCODE = 'check_violation', CONSTRAINT = 'project_parcels_zone';
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER project_parcels_guard BEFORE INSERT OR UPDATE ON project_parcels
    FOR EACH ROW EXECUTE FUNCTION zg_project_parcel_guard();

-- A project may not move to another zone while it lists parcels of this one.
CREATE FUNCTION zg_project_zone_guard() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM project_parcels pp JOIN parcels_all p ON p.id = pp.parcel_id
                WHERE pp.project_id = NEW.id AND p.zone_id <> NEW.zone_id) THEN
        RAISE EXCEPTION 'project % lists parcels of zone %; remove them before moving it to zone %', NEW.id, OLD.zone_id, NEW.zone_id
            USING ERRCODE = 'check_violation', CONSTRAINT = 'project_parcels_zone';
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER projects_zone_guard AFTER UPDATE OF zone_id ON projects
    FOR EACH ROW EXECUTE FUNCTION zg_project_zone_guard();

-- Yearly figures of an enterprise, as the board enters them. Currencies, by
-- how Vietnam reports each: revenue and the state-budget contribution in
-- VND (accounts and taxes are kept in đồng), exports and imports in USD
-- (customs statistics and the boards' reports give trade in US dollars).
-- NULL is "not reported", never 0. Workers at the year's end.
CREATE TABLE enterprise_reports (
    id               bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
    enterprise_id    bigint NOT NULL REFERENCES enterprises(id) ON DELETE RESTRICT,
    year             integer NOT NULL CHECK (year BETWEEN 1986 AND 2100),
    revenue_vnd      numeric(28,0) CHECK (revenue_vnd >= 0),
    export_usd       numeric(24,2) CHECK (export_usd >= 0),
    import_usd       numeric(24,2) CHECK (import_usd >= 0),
    budget_vnd       numeric(28,0) CHECK (budget_vnd >= 0),
    workers_vn       integer CHECK (workers_vn >= 0),
    workers_foreign  integer CHECK (workers_foreign >= 0),
    synthetic        boolean NOT NULL DEFAULT false,
    version          bigint NOT NULL DEFAULT 1,
    updated_at       timestamptz NOT NULL DEFAULT now(),
    UNIQUE (enterprise_id, year)
);

CREATE TRIGGER enterprises_version BEFORE UPDATE ON enterprises FOR EACH ROW EXECUTE FUNCTION zg_bump_version();
CREATE TRIGGER projects_version BEFORE UPDATE ON projects FOR EACH ROW EXECUTE FUNCTION zg_bump_version();
CREATE TRIGGER enterprise_reports_version BEFORE UPDATE ON enterprise_reports FOR EACH ROW EXECUTE FUNCTION zg_bump_version();
CREATE TRIGGER enterprises_write_lock BEFORE INSERT OR UPDATE OR DELETE ON enterprises
    FOR EACH STATEMENT EXECUTE FUNCTION zg_write_lock();
CREATE TRIGGER projects_write_lock BEFORE INSERT OR UPDATE OR DELETE ON projects
    FOR EACH STATEMENT EXECUTE FUNCTION zg_write_lock();
CREATE TRIGGER enterprise_reports_write_lock BEFORE INSERT OR UPDATE OR DELETE ON enterprise_reports
    FOR EACH STATEMENT EXECUTE FUNCTION zg_write_lock();

-- Leases point to their enterprise. The existing leases are migrated: one
-- enterprise per distinct lessee (its name and country, within the board
-- of the lease's parcel's zone), MST unknown, source 'migrated_lease', its
-- contact the lessee's latest lease's; the leases keep every column they
-- had (lessee, country, sector, capital, workers, contact), so nothing is lost.
ALTER TABLE leases ADD COLUMN enterprise_id bigint REFERENCES enterprises(id);

INSERT INTO enterprises (board_id, name_vi, country, contact, source, synthetic)
SELECT DISTINCT ON (z.board_id, l.lessee, l.country)
       z.board_id, l.lessee, l.country, l.contact, 'migrated_lease', l.synthetic
  FROM leases l
  JOIN parcels_all p ON p.id = l.parcel_id
  JOIN zones z ON z.id = p.zone_id
 ORDER BY z.board_id, l.lessee, l.country, l.start_date DESC, l.id DESC;

-- The backfill is not a change of any lease: their versions (ETags), the
-- change log and their parcels stay as they are (the per-row triggers
-- would bump every lease's and parcel's version and log each: on a large
-- registry, minutes of work that every instance would then replay).
ALTER TABLE leases DISABLE TRIGGER USER;
UPDATE leases l SET enterprise_id = e.id
  FROM parcels_all p, zones z, enterprises e
 WHERE p.id = l.parcel_id AND z.id = p.zone_id
   AND e.source = 'migrated_lease' AND coalesce(e.board_id, '') = coalesce(z.board_id, '')
   AND e.name_vi = l.lessee AND e.country = l.country;

ALTER TABLE leases ENABLE TRIGGER USER;
ALTER TABLE leases ALTER COLUMN enterprise_id SET NOT NULL;
CREATE INDEX leases_enterprise_idx ON leases (enterprise_id);

-- A lease written without enterprise_id finds or makes its enterprise by
-- lessee and country in its parcel's board (source 'lease'); one written
-- with enterprise_id and no lessee or country takes the enterprise's name
-- and country. So the lease API (and every other writer of leases) keeps
-- working unchanged.
CREATE FUNCTION zg_lease_enterprise() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    b text;
    e enterprises;
BEGIN
    SELECT z.board_id INTO b FROM parcels_all p JOIN zones z ON z.id = p.zone_id WHERE p.id = NEW.parcel_id;
    IF NEW.enterprise_id IS NOT NULL THEN
        SELECT * INTO e FROM enterprises WHERE id = NEW.enterprise_id;
        IF FOUND THEN
            IF e.board_id IS DISTINCT FROM b THEN
                RAISE EXCEPTION 'enterprise_id: enterprise % is registered by board %, not by the parcel''s board %', e.id, e.board_id, b
                    USING ERRCODE = 'ZG015';
            END IF;
            NEW.lessee := coalesce(nullif(NEW.lessee, ''), e.name_vi);
            NEW.country := coalesce(nullif(NEW.country, ''), e.country);
        END IF;
        RETURN NEW;
    END IF;
    SELECT id INTO NEW.enterprise_id FROM enterprises
     WHERE coalesce(board_id, '') = coalesce(b, '') AND name_vi = NEW.lessee AND country = NEW.country
     ORDER BY (source = 'manual') DESC, id
     LIMIT 1;
    IF NEW.enterprise_id IS NULL AND coalesce(NEW.lessee, '') <> '' AND NEW.country ~ '^[A-Z]{2}$' THEN
        INSERT INTO enterprises (board_id, name_vi, country, contact, source, synthetic)
        VALUES (b, NEW.lessee, NEW.country, NEW.contact, 'lease', NEW.synthetic)
        RETURNING id INTO NEW.enterprise_id;
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER leases_enterprise BEFORE INSERT ON leases
    FOR EACH ROW EXECUTE FUNCTION zg_lease_enterprise();
